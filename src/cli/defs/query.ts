import type { QueryResult } from '../../client/QueueApi.js'
import { QUERY_TIMEOUT_MS } from '../../query/limits.js'
import { table } from '../format.js'
import { positionalSpec, queueOptionSpecs } from '../spec/common.js'
import type { QueueCommandDef } from './types.js'

const cell = (value: unknown): string => (value === null || value === undefined ? 'NULL' : typeof value === 'string' ? value : JSON.stringify(value))

/** Rows as a table; the columns are every key seen, in the order they first appear. */
const human = ({ rows, truncated }: QueryResult): string => {
  if (rows.length === 0) return '(no rows)'
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))]
  const text = table(
    columns,
    rows.map((row) => columns.map((column) => cell(row[column]))),
  )
  const count = `(${rows.length} row${rows.length === 1 ? '' : 's'}${truncated ? ', truncated: narrow the query or add a LIMIT' : ''})`
  return `${text}\n${count}`
}

const args = { sql: positionalSpec('sql', `One read-only SELECT (or WITH … SELECT); stopped after ${QUERY_TIMEOUT_MS} ms.`) }

/**
 * `livequeue query "<sql>"`: read-only SQL over the state tables (workerTasks, taskExecutions,
 * activity, queues, runners, …), the devtools' power without them. A statement that could
 * write is refused (ValidationError, exit 1), and so is one past the limits of
 * src/query/limits.ts (QueryTimedOut after 2 s; ValidationError for a result over 8 MiB), in
 * process or through a host alike; `--json` prints `{ rows, truncated }`.
 */
export const queryDef: QueueCommandDef<typeof queueOptionSpecs, typeof args, QueryResult> = {
  spec: { name: 'query', description: 'Run a read-only SQL SELECT over the state tables.', options: queueOptionSpecs, args },
  run: (queue, c) => queue.query(c.sql),
  human,
}
