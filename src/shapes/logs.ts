import * as Schema from 'effect/Schema'
import { JsonObject, Ms, MutableArray } from './fields.js'

/** Kept logs and checkpoints (issue 15): the shapes the library, the HTTP API and the CLI share. */

/** One kept `ctx.log` line. `id` orders every line of the store (a follower's cursor); `seq` numbers the execution's lines from 1. */
export const LogLine = Schema.mutable(
  Schema.Struct({
    id: Schema.Number.annotations({ description: "orders every line of the store: a follower's cursor" }),
    seq: Schema.Number.annotations({ description: "the line's number in its execution, from 1" }),
    at: Ms,
    message: Schema.String,
    /** The JSON object given with the line, when one was. */
    fields: Schema.optional(JsonObject),
  }),
).annotations({ identifier: 'LogLine' })
export type LogLine = typeof LogLine.Type

/** A task's line, with the execution it belongs to. */
export const TaskLogLine = Schema.mutable(Schema.extend(LogLine, Schema.Struct({ executionId: Schema.String, attempt: Schema.Number })))
export type TaskLogLine = typeof TaskLogLine.Type

/** `logs(taskId)`: lines after the cursor, oldest first. */
export const TaskLogs = Schema.mutable(
  Schema.Struct({
    items: MutableArray(TaskLogLine),
    /** Pass as `after` to get the lines that follow. */
    cursor: Schema.Number.annotations({ description: 'pass as `after` for the lines that follow' }),
    /** The task is completed, failed or cancelled and every line up to `cursor` is here: following can stop. */
    finished: Schema.Boolean.annotations({ description: 'the task is finished and every line is here: following can stop' }),
  }),
).annotations({ identifier: 'TaskLogs' })
export type TaskLogs = typeof TaskLogs.Type

/** What `appendLogs` did: lines of executions the store does not hold (pruned, archived) are ignored. */
export const AppendLogsResult = Schema.mutable(
  Schema.Struct({
    kept: Schema.Number,
    ignored: Schema.Number.annotations({ description: 'lines of executions the store does not hold (pruned, archived)' }),
  }),
).annotations({ identifier: 'AppendLogsResult' })
export type AppendLogsResult = typeof AppendLogsResult.Type

/** The task's last saved checkpoint: what its next attempt sees as `ctx.lastCheckpoint`. */
export const Checkpoint = Schema.mutable(
  Schema.Struct({
    data: Schema.Unknown,
    savedAt: Ms,
    /** The execution (and attempt) that saved it. */
    executionId: Schema.String,
    attempt: Schema.Number,
  }),
).annotations({ identifier: 'Checkpoint', description: "the task's last saved checkpoint: its next attempt resumes from it" })
export type Checkpoint = typeof Checkpoint.Type
