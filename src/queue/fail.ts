import { events } from '../../events/index.js'
import type { BackoffPolicy } from '../../events/shapes.js'
import type { WorkerTaskRow } from '../../schema/workerTasks.js'
import { ValidationError } from '../errors.js'
import { retryDelayMs } from '../retry/backoff.js'
import type { QueueContext } from './context.js'
import { toErrorInfo } from './errorInfo.js'
import { lookupExecution } from './execution.js'
import type { ReportResult } from './types.js'

export type FailOptions = {
  /** Fail for good, no retry (a `PermanentError`). (Default: false) */
  permanent?: boolean
  /** Retry after exactly this delay instead of the backoff policy's (a `RetryAfter`). */
  retryAfterMs?: number
  /** How the execution ended. `interrupted` (shutdown) retries at once and gives the attempt back. (Default: failed) */
  outcome?: 'failed' | 'timedOut' | 'interrupted'
}

/**
 * When to retry a task whose attempt number `attempts` just ended, or null when it is done
 * (permanent error, or no attempt left): the dead-letter view.
 */
export const retryAtFor = (
  ctx: QueueContext,
  task: Pick<WorkerTaskRow, 'attempts' | 'maxAttempts' | 'backoff'>,
  now: number,
  opts: FailOptions = {},
): number | null => {
  if (opts.outcome === 'interrupted') return now
  if (opts.permanent || task.attempts >= task.maxAttempts) return null
  if (opts.retryAfterMs !== undefined) return now + Math.max(0, Math.round(opts.retryAfterMs))
  return now + retryDelayMs(JSON.parse(task.backoff) as BackoffPolicy, task.attempts, ctx.random)
}

/** What `fail` did: `retryAt` is when the task runs again, or null when it ended (dead letter or cancel). */
export type FailResult = ReportResult & { retryAt: number | null }

/** The execution failed: the task is retried by its policy, or failed for good with `lastError`. */
export const fail = async (ctx: QueueContext, executionId: string, error: unknown, opts: FailOptions = {}): Promise<FailResult> => {
  if (opts.retryAfterMs !== undefined && !(Number.isFinite(opts.retryAfterMs) && opts.retryAfterMs >= 0)) {
    throw new ValidationError({ field: 'retryAfterMs', reason: 'must be a number of ms ≥ 0' })
  }
  const { taskId, holder } = lookupExecution(ctx, executionId)
  const at = ctx.now()
  const retryAt = holder === null ? null : retryAtFor(ctx, holder, at, opts)
  await ctx.owned.group.submit(
    [events.taskFailed({ taskId, executionId, at, error: toErrorInfo(error), outcome: opts.outcome ?? 'failed', retryAt })],
    [taskId],
  )
  const cancelled = holder?.cancelRequested === 1
  return { accepted: holder !== null, cancelRequested: cancelled, leaseUntil: null, retryAt: cancelled ? null : retryAt }
}
