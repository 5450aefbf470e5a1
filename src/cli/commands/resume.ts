import { Command } from '@effect/cli'
import { queueOptions } from '../options.js'
import { positional } from '../parse.js'
import { queueCommand } from '../withQueue.js'

/** `livequeue resume <queue>`: claims resume. Idempotent. */
export const resumeCommand = Command.make('resume', { ...queueOptions, queue: positional('queue', 'The queue name.', 'queue') }, (c) =>
  queueCommand(
    c,
    (queue) => queue.resume(c.queue),
    (r) => `resumed queue ${r.queue}`,
  ),
).pipe(Command.withDescription('Let workers claim from a paused queue again.'))
