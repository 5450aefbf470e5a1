/** Kept logs and checkpoints (issue 15): the shapes the library, the HTTP API and the CLI share. */

// The answers' shapes are Effect Schemas in src/shapes/logs.ts; the inputs' types are here.
export type { AppendLogsResult, Checkpoint, LogLine, TaskLogLine, TaskLogs } from '../shapes/logs.js'

/** A line as a worker sends it: its execution, its number in that execution, when it was logged. */
export type LogInput = {
  executionId: string
  seq: number
  at: number
  message: string
  fields?: Record<string, unknown> | undefined
}

export type LogsOptions = {
  /** Only lines with a larger `id` (a `cursor` from before). (Default: 0, from the first) */
  after?: number
  /** When there is no line after `after` yet and the task is not finished, wait up to this long for one. (Default: 0) */
  waitMs?: number
  /** At most this many lines. (Default: 1,000; at most 10,000) */
  limit?: number
}
