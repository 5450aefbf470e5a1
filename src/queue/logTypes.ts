/** Kept logs and checkpoints (issue 15): the shapes the library, the HTTP API and the CLI share. */

/** One kept `ctx.log` line. `id` orders every line of the store (a follower's cursor); `seq` numbers the execution's lines from 1. */
export type LogLine = {
  id: number
  seq: number
  at: number
  message: string
  /** The JSON object given with the line, when one was. */
  fields?: Record<string, unknown>
}

/** A line as a worker sends it: its execution, its number in that execution, when it was logged. */
export type LogInput = {
  executionId: string
  seq: number
  at: number
  message: string
  fields?: Record<string, unknown> | undefined
}

/** What `appendLogs` did: lines of executions the store does not hold (pruned, archived) are ignored. */
export type AppendLogsResult = { kept: number; ignored: number }

/** A task's line, with the execution it belongs to. */
export type TaskLogLine = LogLine & { executionId: string; attempt: number }

/** `logs(taskId)`: lines after the cursor, oldest first. */
export type TaskLogs = {
  items: TaskLogLine[]
  /** Pass as `after` to get the lines that follow. */
  cursor: number
  /** The task is completed, failed or cancelled and every line up to `cursor` is here: following can stop. */
  finished: boolean
}

export type LogsOptions = {
  /** Only lines with a larger `id` (a `cursor` from before). (Default: 0, from the first) */
  after?: number
  /** When there is no line after `after` yet and the task is not finished, wait up to this long for one. (Default: 0) */
  waitMs?: number
  /** At most this many lines. (Default: 1,000; at most 10,000) */
  limit?: number
}

/** The task's last saved checkpoint: what its next attempt sees as `ctx.lastCheckpoint`. */
export type Checkpoint = {
  data: unknown
  savedAt: number
  /** The execution (and attempt) that saved it. */
  executionId: string
  attempt: number
}
