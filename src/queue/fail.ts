import { events } from '../../events/index.js'
import type { BackoffPolicy } from '../../events/shapes.js'
import type { WorkerTaskRow } from '../../schema/workerTasks.js'
import { ValidationError } from '../errors.js'
import { boundedMs, clampTime, MAX_RATE_LIMITED_MS, MAX_RETRY_AFTER_MS } from '../limits.js'
import { retryDelayMs } from '../retry/backoff.js'
import type { QueueContext } from './context.js'
import { toErrorInfo } from './errorInfo.js'
import { lookupExecution, type Reporter } from './execution.js'
import type { FailResult } from '../shapes/task.js'

export type FailOptions = Reporter & {
  /** Fail for good, no retry (a `PermanentError`). (Default: false) */
  permanent?: boolean
  /** Retry after exactly this delay instead of the backoff policy's (a `RetryAfter`). */
  retryAfterMs?: number
  /**
   * The handler's provider rate limited it (`ctx.rateLimited(ms)`): the task runs again after this
   * many ms without using up the attempt, and its whole type pauses as long for every worker.
   */
  rateLimitedMs?: number
  /** How the execution ended. `interrupted` (shutdown) retries at once and gives the attempt back. (Default: failed) */
  outcome?: 'failed' | 'timedOut' | 'interrupted'
}

/**
 * When to retry a task whose attempt number `attempts` just ended, or null when it is done
 * (permanent error, or no attempt left): the dead-letter view. Always a storable time: the
 * reaper runs this on tasks already in a store, whose backoff may predate the bounds (baseMs
 * 1e300, or baseMs 0 × factor^n = 0 × Infinity = NaN), so the result is clamped to
 * 9999-12-31 and a non-finite one taken as that cap, never written as a REAL SQLite refuses.
 */
export const retryAtFor = (
  ctx: QueueContext,
  task: Pick<WorkerTaskRow, 'attempts' | 'maxAttempts' | 'backoff'>,
  now: number,
  opts: FailOptions = {},
): number | null => {
  if (opts.outcome === 'interrupted') return clampTime(now)
  if (opts.permanent || task.attempts >= task.maxAttempts) return null
  if (opts.retryAfterMs !== undefined) return clampTime(now + Math.max(0, Math.round(opts.retryAfterMs)))
  return clampTime(now + retryDelayMs(JSON.parse(task.backoff) as BackoffPolicy, task.attempts, ctx.random))
}

const OUTCOMES: ReadonlyArray<string> = ['failed', 'timedOut', 'interrupted']

export type { FailResult }

/** The execution failed: the task is retried by its policy, or failed for good with `lastError`. */
export const fail = async (ctx: QueueContext, executionId: string, error: unknown, opts: FailOptions = {}): Promise<FailResult> => {
  if (opts.retryAfterMs !== undefined) boundedMs(opts.retryAfterMs, 'retryAfterMs', MAX_RETRY_AFTER_MS)
  if (opts.outcome !== undefined && !OUTCOMES.includes(opts.outcome)) {
    throw new ValidationError({ field: 'outcome', reason: `must be ${OUTCOMES.join(', ')}; got ${String(opts.outcome)}` })
  }
  if (opts.rateLimitedMs !== undefined) return rateLimited(ctx, executionId, boundedMs(opts.rateLimitedMs, 'rateLimitedMs', MAX_RATE_LIMITED_MS, 1), opts)
  const { taskId, holder } = lookupExecution(ctx, executionId, opts)
  const at = ctx.now()
  const retryAt = holder === null ? null : retryAtFor(ctx, holder, at, opts)
  await ctx.owned.group.submit(
    [events.taskFailed({ taskId, executionId, at, error: toErrorInfo(error), outcome: opts.outcome ?? 'failed', retryAt })],
    [taskId],
  )
  const cancelled = holder?.cancelRequested === 1
  return { accepted: holder !== null, cancelRequested: cancelled, leaseUntil: null, retryAt: cancelled ? null : retryAt }
}

/** `fail` with `rateLimitedMs`: one `TaskRateLimited` (retry at `at + ms`, attempt given back, the type paused as long). */
const rateLimited = async (ctx: QueueContext, executionId: string, ms: number, by: Reporter): Promise<FailResult> => {
  const { taskId, holder } = lookupExecution(ctx, executionId, by)
  const at = ctx.now()
  const retryAt = clampTime(at + Math.round(ms))
  await ctx.owned.group.submit([events.taskRateLimited({ taskId, executionId, at, retryAt })], [taskId])
  const cancelled = holder?.cancelRequested === 1
  return { accepted: holder !== null, cancelRequested: cancelled, leaseUntil: null, retryAt: holder === null || cancelled ? null : retryAt }
}
