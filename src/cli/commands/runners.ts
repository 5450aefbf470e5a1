import { Command } from '@effect/cli'
import type { RunnerRow } from '../../../schema/runners.js'
import type { TaskQueue } from '../../queue/TaskQueue.js'
import { relative, table } from '../format.js'
import { common } from '../options.js'
import { queueCommand } from '../withQueue.js'

/** A row of the `runners` table, with `types` parsed. */
export type Runner = Omit<RunnerRow, 'types'> & { types: string[] }

const readRunners = async (queue: TaskQueue): Promise<Runner[]> => {
  const rows = queue.store.query({ query: 'SELECT * FROM runners ORDER BY lastSeenAt DESC, id', bindValues: {} }) as RunnerRow[]
  return rows.map((row) => ({ ...row, types: JSON.parse(row.types) as string[] }))
}

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
export const runnersCommand = Command.make('runners', common, (c) => queueCommand(c, readRunners, human)).pipe(
  Command.withDescription('List worker runtimes and when they were last seen.'),
)
