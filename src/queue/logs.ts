import { events } from '../../events/index.js'
import type { ExecutionLogRow } from '../../schema/executionLogs.js'
import { taskLogHead$ } from '../../schema/queries.js'
import { NotClaimant, TaskNotFound, ValidationError } from '../errors.js'
import { MAX_LOG_BYTES_PER_EXECUTION, MAX_LOG_LINES_PER_BATCH, MAX_LOG_LINES_PER_EXECUTION } from '../limits.js'
import { subscribeLive } from '../store/subscribeLive.js'
import { type QueueContext, select } from './context.js'
import { checkReporter, type Reporter } from './execution.js'
import { checkLogLine } from './logLines.js'
import { lineFromRow, logsOfTask } from './logRows.js'
import type { AppendLogsResult, LogInput, LogsOptions, TaskLogLine, TaskLogs } from './logTypes.js'
import type { Task } from './types.js'
import { readTaskRow } from './read.js'

/**
 * Kept logs (issue 15): a worker's buffered `ctx.log` lines, for any number of its executions,
 * written as ONE `v1.ExecutionsLogged` event. It joins the open group commit, so the lines
 * usually ride in a commit that was being made anyway. With `by.runnerId`, every line must
 * belong to an execution that runner claimed (`NotClaimant` otherwise, and nothing is written).
 * Lines of executions the store does not hold are ignored (counted in the answer).
 */
export const appendLogs = async (ctx: QueueContext, lines: ReadonlyArray<LogInput>, by: Reporter = {}): Promise<AppendLogsResult> => {
  checkReporter(by)
  if (!Array.isArray(lines)) throw new ValidationError({ field: 'lines', reason: 'must be an array of log lines' })
  if (lines.length > MAX_LOG_LINES_PER_BATCH) {
    throw new ValidationError({ field: 'lines', reason: `${lines.length} lines is over the ${MAX_LOG_LINES_PER_BATCH}-line cap of one batch; send several` })
  }
  const checked = lines.map((line, i) => checkLogLine(line, `lines.${i}`))
  if (checked.length === 0) return { kept: 0, ignored: 0 }
  const ids = [...new Set(checked.map((l) => l.executionId))]
  const known = () => new Map(select<{ id: string; runnerId: string }>(ctx, EXECUTIONS_SQL, { ids: JSON.stringify(ids) }).map((r) => [r.id, r.runnerId]))
  let runners = known()
  if (runners.size < ids.length) {
    // A claim still in the open group commit is not visible yet: commit it and look again.
    ctx.owned.group.flush()
    runners = known()
  }
  for (const [executionId, claimedBy] of runners) {
    if (by.runnerId !== undefined && by.runnerId !== claimedBy) throw new NotClaimant({ executionId, runnerId: by.runnerId, claimedBy })
  }
  const kept = checked.filter((l) => runners.has(l.executionId))
  if (kept.length > 0) {
    // No touched keys: a task's reads need not commit the batch first (logs change no task state).
    await ctx.owned.group.submit([events.executionsLogged({ lines: kept, keepLines: MAX_LOG_LINES_PER_EXECUTION, keepBytes: MAX_LOG_BYTES_PER_EXECUTION })])
  }
  return { kept: kept.length, ignored: checked.length - kept.length }
}

const EXECUTIONS_SQL = 'SELECT id, runnerId FROM taskExecutions WHERE id IN (SELECT value FROM json_each($ids))'

const TERMINAL = new Set(['completed', 'failed', 'cancelled'])
export const DEFAULT_LOGS_LIMIT = 1_000

/** `after`, `waitMs` and `limit` checked, or a ValidationError naming the field. */
export const checkLogsOptions = (opts: LogsOptions): Required<LogsOptions> => {
  const int = (value: unknown, field: string, min: number, max: number, fallback: number): number => {
    if (value === undefined) return fallback
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new ValidationError({ field, reason: `must be an integer ${min}–${max}; got ${String(value)}` })
    }
    return value
  }
  return {
    after: int(opts.after, 'after', 0, Number.MAX_SAFE_INTEGER, 0),
    waitMs: int(opts.waitMs, 'waitMs', 0, 300_000, 0),
    limit: int(opts.limit, 'limit', 1, MAX_LOG_LINES_PER_BATCH, DEFAULT_LOGS_LIMIT),
  }
}

/** The task's lines after `after`, oldest first, and whether following can stop. TaskNotFound for an unknown id. */
const readTaskLogs = (ctx: QueueContext, taskId: string, after: number, limit: number): TaskLogs => {
  const task = readTaskRow(ctx, taskId)
  const rows = select<ExecutionLogRow & { attempt: number }>(
    ctx,
    `SELECT l.*, x.attempt FROM executionLogs l JOIN taskExecutions x ON x.id = l.executionId
     WHERE l.taskId = $taskId AND l.id > $after ORDER BY l.id LIMIT $limit`,
    { taskId, after, limit },
  )
  const items: TaskLogLine[] = rows.map((r) => ({ ...lineFromRow(r), executionId: r.executionId, attempt: r.attempt }))
  return { items, cursor: items.at(-1)?.id ?? after, finished: TERMINAL.has(task.status) && items.length < limit }
}

/**
 * `logs(taskId, { after, waitMs })`: the task's kept lines after the cursor. With `waitMs`, an
 * answer with no line waits until a line is kept or the task finishes (a live query on the
 * task's newest line and status, no polling), or until `waitMs` passes, or `signal` aborts.
 */
export const taskLogs = async (ctx: QueueContext, taskId: string, opts: LogsOptions = {}, signal?: AbortSignal): Promise<TaskLogs> => {
  const { after, waitMs, limit } = checkLogsOptions(opts)
  const first = readTaskLogs(ctx, taskId, after, limit)
  if (first.items.length > 0 || first.finished || waitMs === 0 || signal?.aborted) return first
  await new Promise<void>((resolve) => {
    let done = false
    let unsubscribe: (() => void) | undefined
    const finish = () => {
      if (done) return
      done = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', finish)
      // Unsubscribing from inside the subscription callback is deferred out of the update cycle.
      queueMicrotask(() => unsubscribe?.())
      resolve()
    }
    const timer = setTimeout(finish, waitMs)
    signal?.addEventListener('abort', finish)
    unsubscribe = subscribeLive(ctx.owned, taskLogHead$(taskId), (head) => {
      if ((head.lastId ?? 0) > after || (head.status !== null && TERMINAL.has(head.status))) finish()
    })
    if (done) unsubscribe()
  })
  return readTaskLogs(ctx, taskId, after, limit)
}

/**
 * `taskLogs`, and for a task the current epoch does not hold, its lines from `getTask` (which
 * reads on into the archives), all at once; `TaskNotFound` when neither has it.
 */
export const taskLogsOrArchived = async (
  ctx: QueueContext,
  taskId: string,
  opts: LogsOptions,
  signal: AbortSignal | undefined,
  getTask: (taskId: string) => Promise<Task>,
): Promise<TaskLogs> => {
  try {
    return await taskLogs(ctx, taskId, opts, signal)
  } catch (error) {
    if (!(error instanceof TaskNotFound)) throw error
    const { after, limit } = checkLogsOptions(opts)
    return logsOfTask(await getTask(taskId), after, limit)
  }
}
