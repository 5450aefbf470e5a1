import type { Runner } from '../../queue/runners.js'
import { relative, table } from '../format.js'
import { queueOptionSpecs } from '../spec/common.js'
import type { QueueCommandDef } from './types.js'

/** `livequeue runners`: the worker registry; `--json` prints the rows (types as an array). */
export const runnersDef: QueueCommandDef<typeof queueOptionSpecs, {}, ReadonlyArray<Runner>> = {
  spec: { name: 'runners', description: 'List worker runtimes and when they were last seen.', options: queueOptionSpecs, args: {} },
  run: (queue) => queue.runners(),
  human: (runners) => {
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
  },
}
