import { State } from '@livestore/livestore'
import { ExecutionStatus } from '../src/shapes/statuses.js'

export { ExecutionStatus }

/** One row per attempt: who ran it, when, how it ended, its last progress. */
export const taskExecutions = State.SQLite.table({
  name: 'taskExecutions',
  columns: {
    id: State.SQLite.text({ primaryKey: true }),
    taskId: State.SQLite.text(),
    attempt: State.SQLite.integer(),
    runnerId: State.SQLite.text(),
    status: State.SQLite.text({ schema: ExecutionStatus, default: 'running' }),
    startedAt: State.SQLite.integer(),
    finishedAt: State.SQLite.integer({ nullable: true }),
    progress: State.SQLite.real({ nullable: true }),
    progressMessage: State.SQLite.text({ nullable: true }),
    result: State.SQLite.text({ nullable: true }),
    error: State.SQLite.text({ nullable: true }),
    durationMs: State.SQLite.integer({ nullable: true }),
  },
  indexes: [{ name: 'taskExecutions_task', columns: ['taskId', 'attempt'] }],
})
export type TaskExecutionRow = typeof taskExecutions.Type
