import { State } from '@livestore/livestore'
import type { EpochRow, events } from '../../events/index.js'
import { circuitBreakers } from '../circuitBreakers.js'
import { executionLogs } from '../executionLogs.js'
import { queues } from '../queues.js'
import { rateLimitClaims, rateLimits } from '../rateLimits.js'
import { runners } from '../runners.js'
import { schedules } from '../schedules.js'
import { taskCheckpoints } from '../taskCheckpoints.js'
import { taskDependencies } from '../taskDependencies.js'
import { taskExecutions } from '../taskExecutions.js'
import { workerTasks } from '../workerTasks.js'
import { type SqlWrite, write } from './sql.js'

/** The tables `v1.EpochSeeded` carries, keyed by the event's field (= the table's name). */
const SEEDED = {
  workerTasks,
  taskExecutions,
  taskDependencies,
  queues,
  schedules,
  circuitBreakers,
  runners,
  executionLogs,
  taskCheckpoints,
  rateLimits,
  rateLimitClaims,
} as const
type SeededTable = keyof typeof SEEDED

/**
 * Inserts rows exactly as the previous epoch held them: one statement for any number of rows,
 * read from a JSON array. The columns are the table's columns that the rows carry (a rows
 * array from `SELECT *` carries all of them), so an event from before a column was added still
 * replays (the new column takes its default). `INSERT OR IGNORE`: materializing the event again
 * (a replay onto existing state) changes nothing. Depends on the payload only (docs/design.md,
 * fact 4).
 */
const insertRows = (table: SeededTable, rows: ReadonlyArray<EpochRow> = []): SqlWrite[] => {
  if (rows.length === 0) return []
  const columns = Object.keys(SEEDED[table].sqliteDef.columns).filter((c) => rows.some((r) => Object.hasOwn(r, c)))
  if (columns.length === 0) return []
  return [
    write(
      `INSERT OR IGNORE INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')})
       SELECT ${columns.map((c) => `value ->> '$.${c}'`).join(', ')} FROM json_each($rows) ORDER BY key`,
      { rows: JSON.stringify(rows) },
      table,
    ),
  ]
}

/** The placeholder activity row that moves the AUTOINCREMENT sequence; it never stays. */
const SEQ_PLACEHOLDER = 'epoch-seq-placeholder'

export const epochMaterializers = (ev: Pick<typeof events, 'epochSeeded' | 'epochSealed'>) =>
  State.SQLite.materializers(ev, {
    'v1.EpochSeeded': (e) => [
      ...(Object.keys(SEEDED) as SeededTable[]).flatMap((table) => insertRows(table, e[table])),
      // The next activity row gets seq = activitySeqBase + 1: with AUTOINCREMENT, sqlite_sequence
      // keeps the largest seq ever inserted, also after the row is deleted. Idempotent: a second
      // time the insert is ignored or refills a hole that the delete empties again, and the
      // sequence already is at or past the base.
      write(
        `INSERT OR IGNORE INTO activity (seq, at, taskId, executionId, kind, type, queue, summary)
         SELECT $base, 0, NULL, NULL, '${SEQ_PLACEHOLDER}', NULL, NULL, '' WHERE $base > 0`,
        { base: e.activitySeqBase },
        'activity',
      ),
      write(`DELETE FROM activity WHERE seq = $base AND kind = '${SEQ_PLACEHOLDER}'`, { base: e.activitySeqBase }, 'activity'),
      write(
        `INSERT OR IGNORE INTO epochState (key, epoch, storeId, activitySeq, at) VALUES ('seeded', $epoch, $fromStoreId, $base, NULL)`,
        { epoch: e.epoch, fromStoreId: e.fromStoreId, base: e.activitySeqBase },
        'epochState',
      ),
    ],
    'v1.EpochSealed': (e) =>
      write(
        `INSERT INTO epochState (key, epoch, storeId, activitySeq, at) VALUES ('sealed', $nextEpoch, $nextStoreId, $activitySeqEnd, $at)
         ON CONFLICT (key) DO UPDATE SET epoch = excluded.epoch, storeId = excluded.storeId,
           activitySeq = excluded.activitySeq, at = excluded.at`,
        { nextEpoch: e.nextEpoch, nextStoreId: e.nextStoreId, activitySeqEnd: e.activitySeqEnd, at: e.at },
        'epochState',
      ),
  })
