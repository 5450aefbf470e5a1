import type { Store } from '@livestore/livestore'
import { type EpochRow, type EpochSeeded, events } from '../../events/index.js'

/**
 * The live working set of a store, as `v1.EpochSeeded` events for the next epoch's store
 * (issue 13). What is carried, copied row for row (every column):
 *
 * - tasks that are not finished (`pending`, `processing`) and dead letters (`failed`: operators
 *   retry them), with all their executions (a running one keeps its id, runner and lease, so a
 *   heartbeat or completion from the old epoch's claim is accepted in the new store);
 * - their `taskDependencies` rows, i.e. every row whose dependent is carried, so a dependency
 *   completing in the new store unblocks its dependents. A row whose dependency is a completed
 *   task is left out: `blockedBy` already counts that dependency as done and the row can never
 *   fire again; carried without its (archived) task, it would let a new task that reuses the id
 *   unblock the dependent a second time. Rows towards cancelled, failed or missing tasks are
 *   carried as they are, with `settled` (a dependent that runs anyway was released once already);
 * - their kept logs (`executionLogs`, ids kept, so a follower's cursor stays valid) and their
 *   checkpoint (`taskCheckpoints`): a task retried in the new epoch resumes from it;
 * - every `queues`, `schedules` (with `lastSlotAt`: no slot fires twice), `circuitBreakers`,
 *   `runners`, `rateLimits` and `rateLimitClaims` row (a limit's window goes on across the rotation).
 *
 * Not carried: completed and cancelled tasks with their executions and dependency rows, and the
 * activity stream: they stay in the sealed store, which is the archive. Consequences in the new
 * epoch (as after `prune`): an idempotency key or task id of an archived task is free again, and
 * `dependsOn` an archived task is refused as unknown.
 *
 * `activitySeqBase` is the last activity `seq` the store handed out (AUTOINCREMENT's
 * `sqlite_sequence`, or the largest `seq` if larger): the new store's next entry is base + 1.
 *
 * Read everything in one synchronous turn after the last write to `store` is committed (flush the
 * group commit first): the rows are one consistent snapshot. Always at least one event (an empty
 * working set still tells the new store its epoch and seq base).
 */

export type WorkingSetOptions = {
  /** The new store's epoch number. */
  epoch: number
  /** The store being sealed (the one `store` is). */
  fromStoreId: string
  /** At most this many rows in one event. (Default: 1,000) */
  maxRowsPerEvent?: number
  /**
   * At most about this many bytes of row JSON in one event; a single larger row (a task with a
   * payload near the 1 MiB cap) travels alone. (Default: 512 KiB)
   */
  maxBytesPerEvent?: number
}

export const DEFAULT_MAX_ROWS_PER_EVENT = 1_000
export const DEFAULT_MAX_BYTES_PER_EVENT = 512 * 1024

type SeededTable =
  | 'queues'
  | 'schedules'
  | 'circuitBreakers'
  | 'runners'
  | 'workerTasks'
  | 'taskExecutions'
  | 'taskDependencies'
  | 'executionLogs'
  | 'taskCheckpoints'
  | 'rateLimits'
  | 'rateLimitClaims'

/** The working set's rows per table; the order is the order they travel in. */
const LIVE = `status IN ('pending', 'processing', 'failed')`
export const WORKING_SET_SQL: Readonly<Record<SeededTable, string>> = {
  queues: 'SELECT * FROM queues ORDER BY name',
  schedules: 'SELECT * FROM schedules ORDER BY name',
  circuitBreakers: 'SELECT * FROM circuitBreakers ORDER BY runnerId, type',
  runners: 'SELECT * FROM runners ORDER BY id',
  workerTasks: `SELECT * FROM workerTasks WHERE ${LIVE} ORDER BY createdAt, id`,
  taskExecutions: `SELECT e.* FROM taskExecutions e JOIN workerTasks t ON t.id = e.taskId WHERE t.${LIVE}
    ORDER BY e.taskId, e.attempt, e.id`,
  taskDependencies: `SELECT d.* FROM taskDependencies d JOIN workerTasks t ON t.id = d.taskId WHERE t.${LIVE}
    AND NOT EXISTS (SELECT 1 FROM workerTasks p WHERE p.id = d.dependsOnId AND p.status = 'completed')
    ORDER BY d.taskId, d.dependsOnId`,
  executionLogs: `SELECT l.* FROM executionLogs l JOIN workerTasks t ON t.id = l.taskId WHERE t.${LIVE} ORDER BY l.id`,
  taskCheckpoints: `SELECT c.* FROM taskCheckpoints c JOIN workerTasks t ON t.id = c.taskId WHERE t.${LIVE} ORDER BY c.taskId`,
  rateLimits: 'SELECT * FROM rateLimits ORDER BY scope, name',
  rateLimitClaims: 'SELECT * FROM rateLimitClaims ORDER BY scope, name, at, executionId',
}

export type WorkingSet = {
  /** `v1.EpochSeeded` events to commit, in order, to the new store. */
  events: ReturnType<typeof events.epochSeeded>[]
  /** The last activity seq of `store` (the new store continues after it; EpochSealed's `activitySeqEnd`). */
  activitySeqBase: number
  /** Rows carried per table. */
  rows: Record<SeededTable, number>
}

/** A seed chunk with no rows. */
const emptyRows = (): Omit<EpochSeeded, 'epoch' | 'fromStoreId' | 'activitySeqBase'> & Record<SeededTable, EpochRow[]> => ({
  workerTasks: [],
  taskExecutions: [],
  taskDependencies: [],
  queues: [],
  schedules: [],
  circuitBreakers: [],
  runners: [],
  executionLogs: [],
  taskCheckpoints: [],
  rateLimits: [],
  rateLimitClaims: [],
})

/**
 * An `EpochSeeded` with no rows: committed after the seed, it tells the rotation the seed is on
 * disk once the leader has taken it (docs/design.md, "Epochs"). Applying it again changes nothing.
 */
export const seedMarker = (args: Pick<EpochSeeded, 'epoch' | 'fromStoreId' | 'activitySeqBase'>) => events.epochSeeded({ ...args, ...emptyRows() })

/** The last activity seq `store` handed out: never reused, so the next epoch starts after it. */
export const activitySeqHead = (store: Store<any>): number => {
  const [row] = store.query({
    query: `SELECT max(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'activity'), 0), COALESCE((SELECT max(seq) FROM activity), 0)) AS seq`,
    bindValues: {},
  }) as Array<{ seq: number | null }>
  return row?.seq ?? 0
}

const checkedRow = (table: string, row: Record<string, unknown>): EpochRow => {
  for (const [column, value] of Object.entries(row)) {
    if (!(value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))) {
      throw new Error(`${table}.${column} holds a ${typeof value}, which an epoch seed cannot carry`)
    }
  }
  return row as EpochRow
}

export const readWorkingSet = (store: Store<any>, opts: WorkingSetOptions): WorkingSet => {
  const maxRows = opts.maxRowsPerEvent ?? DEFAULT_MAX_ROWS_PER_EVENT
  const maxBytes = opts.maxBytesPerEvent ?? DEFAULT_MAX_BYTES_PER_EVENT
  if (!(Number.isInteger(maxRows) && maxRows >= 1)) throw new Error(`maxRowsPerEvent must be an integer ≥ 1; got ${maxRows}`)
  if (!(Number.isFinite(maxBytes) && maxBytes >= 1)) throw new Error(`maxBytesPerEvent must be ≥ 1; got ${maxBytes}`)

  const activitySeqBase = activitySeqHead(store)
  const tables = Object.keys(WORKING_SET_SQL) as SeededTable[]
  const read = Object.fromEntries(
    tables.map((table) => [
      table,
      (store.query({ query: WORKING_SET_SQL[table], bindValues: {} }) as Array<Record<string, unknown>>).map((r) => checkedRow(table, r)),
    ]),
  ) as Record<SeededTable, EpochRow[]>

  const chunks: Array<Record<SeededTable, EpochRow[]>> = []
  let chunk = emptyRows()
  let rows = 0
  let bytes = 0
  for (const table of tables) {
    for (const row of read[table]) {
      const size = Buffer.byteLength(JSON.stringify(row)) + 1
      if (rows > 0 && (rows + 1 > maxRows || bytes + size > maxBytes)) {
        chunks.push(chunk)
        chunk = emptyRows()
        rows = 0
        bytes = 0
      }
      chunk[table].push(row)
      rows += 1
      bytes += size
    }
  }
  if (rows > 0 || chunks.length === 0) chunks.push(chunk)

  return {
    events: chunks.map((c) => events.epochSeeded({ epoch: opts.epoch, fromStoreId: opts.fromStoreId, activitySeqBase, ...c })),
    activitySeqBase,
    rows: Object.fromEntries(tables.map((t) => [t, read[t].length])) as Record<SeededTable, number>,
  }
}
