import { State } from '@livestore/livestore'

/**
 * The activity stream: one row per task event. `seq` is assigned in event order, so it is the
 * same after a replay and serves as a resume cursor. It is AUTOINCREMENT: a number is never handed
 * out twice, also after `prune` deleted the newest rows (a plain rowid would reuse them), and
 * `v1.EpochSeeded` moves the sequence past the previous epoch's last seq, so it keeps growing
 * across epochs (issue 13). `type` and `queue` are copied from the task so the stream can be
 * filtered without a join.
 */
export const activity = State.SQLite.table({
  name: 'activity',
  columns: {
    seq: State.SQLite.integer({ primaryKey: true, autoIncrement: true }),
    at: State.SQLite.integer(),
    /** Null for entries about no single task (a circuit breaker changing state). */
    taskId: State.SQLite.text({ nullable: true }),
    executionId: State.SQLite.text({ nullable: true }),
    kind: State.SQLite.text(),
    type: State.SQLite.text({ nullable: true }),
    queue: State.SQLite.text({ nullable: true }),
    summary: State.SQLite.text(),
  },
  indexes: [
    { name: 'activity_task', columns: ['taskId', 'seq'] },
    // (at, kind): the dashboard's per-minute throughput counts from the index alone.
    { name: 'activity_at', columns: ['at', 'kind'] },
  ],
})
export type ActivityRow = typeof activity.Type
