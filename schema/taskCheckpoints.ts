import { State } from '@livestore/livestore'

/** The last checkpoint each task saved (issue 15): what its next attempt resumes from. */
export const taskCheckpoints = State.SQLite.table({
  name: 'taskCheckpoints',
  columns: {
    taskId: State.SQLite.text({ primaryKey: true }),
    /** The execution (and attempt) that saved it. */
    executionId: State.SQLite.text(),
    attempt: State.SQLite.integer(),
    savedAt: State.SQLite.integer(),
    /** The value as JSON. */
    data: State.SQLite.text(),
  },
})
export type TaskCheckpointRow = typeof taskCheckpoints.Type
