import { State } from '@livestore/livestore'

/**
 * `ctx.log` lines kept with their execution (issue 15), bounded per execution by the
 * `v1.ExecutionsLogged` materializer. `id` orders every line of the store (a cursor for following
 * a task's logs); `seq` numbers an execution's lines from 1, so `max(seq) - count(*)` is how many
 * of its lines were dropped. `taskId` is copied from the execution, to read a task's logs by index.
 */
export const executionLogs = State.SQLite.table({
  name: 'executionLogs',
  columns: {
    id: State.SQLite.integer({ primaryKey: true, autoIncrement: true }),
    executionId: State.SQLite.text(),
    taskId: State.SQLite.text(),
    seq: State.SQLite.integer(),
    at: State.SQLite.integer(),
    message: State.SQLite.text(),
    /** A JSON object, or null. */
    fields: State.SQLite.text({ nullable: true }),
  },
  indexes: [
    { name: 'executionLogs_line', columns: ['executionId', 'seq'], isUnique: true },
    { name: 'executionLogs_task', columns: ['taskId', 'id'] },
  ],
})
export type ExecutionLogRow = typeof executionLogs.Type
