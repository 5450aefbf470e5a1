import { Command } from '@effect/cli'
import { queueOptions } from '../options.js'
import { durationOrDateOption } from '../parse.js'
import { queueCommand } from '../withQueue.js'

const olderThan = durationOrDateOption('older-than', 'Finished more than this long ago (7d, 12h) or before this ISO time.')

/** `livequeue prune --older-than 7d`: deletes finished tasks with their executions and activity. */
export const pruneCommand = Command.make('prune', { ...queueOptions, olderThan }, (c) =>
  queueCommand(
    c,
    (queue) => queue.prune({ olderThan: c.olderThan }),
    (r) => `pruned ${r.pruned} finished task${r.pruned === 1 ? '' : 's'} (finished before ${new Date(r.olderThan).toISOString()})`,
  ),
).pipe(Command.withDescription('Delete completed, failed and cancelled tasks finished before a cutoff.'))
