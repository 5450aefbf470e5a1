import { Events } from '@livestore/livestore'
import { Schema } from 'effect'
import { EpochMs } from './shapes.js'

/**
 * Kept logs and checkpoints (issue 15). Log lines are chatty, and each LiveStore commit costs
 * ~9 ms of CPU and each event ~1 ms (docs/design.md, fact 10), so a worker buffers its lines and
 * the host writes them as ONE event for every execution of that worker, about once a second.
 */

/** One `ctx.log` line. `seq` numbers the execution's lines from 1; a gap is a line dropped on the way. */
export const LoggedLine = Schema.Struct({
  executionId: Schema.String,
  seq: Schema.Int,
  at: EpochMs,
  message: Schema.String,
  /** A JSON object, or absent. */
  fields: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
})
export type LoggedLine = typeof LoggedLine.Type

/**
 * Log lines of any number of executions. Materializing keeps, per execution, only the newest
 * `keepLines` lines and at most `keepBytes` bytes of message and fields (the bound travels in the
 * event, so a replay keeps exactly what was kept then). A line of an execution the store does not
 * hold is dropped; a line already kept (same execution and seq) is ignored: replay-safe.
 */
export const executionsLogged = Events.synced({
  name: 'v1.ExecutionsLogged',
  schema: Schema.Struct({ lines: Schema.Array(LoggedLine), keepLines: Schema.Int, keepBytes: Schema.Int }),
})

/**
 * A handler saved a checkpoint: the JSON value the task's next attempt sees as
 * `ctx.lastCheckpoint`. Kept only while `executionId` holds the task (the fencing guard in SQL);
 * it replaces the task's previous checkpoint.
 */
export const checkpointSaved = Events.synced({
  name: 'v1.CheckpointSaved',
  schema: Schema.Struct({ taskId: Schema.String, executionId: Schema.String, at: EpochMs, data: Schema.Unknown }),
})
