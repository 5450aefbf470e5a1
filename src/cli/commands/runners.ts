import { Command } from '@effect/cli'
import type { Runner } from '../../queue/runners.js'
import { relative, table } from '../format.js'
import { queueOptions } from '../options.js'
import { queueCommand } from '../withQueue.js'

const human = (runners: ReadonlyArray<Runner>): string => {
  if (runners.length === 0) return 'no runners'
  const now = Date.now()
  return table(
    ['ID', 'STATUS', 'HOST', 'PID', 'CONCURRENCY', 'STARTED', 'LAST SEEN', 'TYPES'],
    runners.map((r) => [
      r.id,
      r.status,
      r.host,
      String(r.pid),
      String(r.concurrency),
      relative(r.startedAt, now),
      relative(r.lastSeenAt, now),
      r.types.length === 0 ? '*' : r.types.join(','),
    ]),
  )
}

/** `livequeue runners`: the worker registry; `--json` prints the rows (types as an array). */
export const runnersCommand = Command.make('runners', queueOptions, (c) => queueCommand(c, (queue) => queue.runners(), human)).pipe(
  Command.withDescription('List worker runtimes and when they were last seen.'),
)
