import { State } from '@livestore/livestore'

/**
 * The activity stream: one row per task event. `seq` is SQLite's rowid, assigned in event order,
 * so it is the same after a replay and serves as a resume cursor. `type` and `queue` are copied
 * from the task so the stream can be filtered without a join.
 */
export const activity = State.SQLite.table({
  name: 'activity',
  columns: {
    seq: State.SQLite.integer({ primaryKey: true }),
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
    { name: 'activity_at', columns: ['at'] },
  ],
})
export type ActivityRow = typeof activity.Type
