import type { FailOptions } from '../queue/fail.js'
import type { ReportResult, Task } from '../queue/types.js'
import type { WorkerBackend } from './backend.js'
import { escalate, escalationTarget } from './escalation.js'
import type { Hooks, TaskHookEvent } from './hooks.js'
import type { EscalationRule } from './types.js'
import type { ExecutionOutcome } from '../tracing/attributes.js'

/** What became of the execution once reported (its span's outcome) and the error that failed it, if one did. */
export type Reported = { outcome: ExecutionOutcome; error?: unknown }

/** How an execution ended, as far as the runtime is concerned. */
export type Outcome = { kind: 'success'; result: unknown } | { kind: 'error'; error: unknown } | { kind: 'timedOut'; error: unknown } | { kind: 'interrupted' }

export type ReportDeps = {
  backend: WorkerBackend
  hooks: Hooks
  escalation: Record<string, EscalationRule> | undefined
  base: TaskHookEvent
  startedAt: number
  /** The handler was aborted for a cancel request: no need to ask whether there is one. */
  cancelKnown: boolean
  /**
   * A success's completion has been handed to the backend (not yet acknowledged). A local worker
   * claims again right then, so its claim joins the completion's group commit.
   */
  onSubmitted?: () => void
  /** Runs the escalation's enqueue in the execution span's context, so it is traced as its child. */
  inSpan?: <T>(fn: () => T) => T
}

/** Whether a handler's error is a `RateLimited` (by name too, so a second copy of this module still counts). */
export const isRateLimited = (error: unknown): error is { delayMs: number } => {
  const e = error as { name?: unknown; delayMs?: unknown } | null
  return e?.name === 'RateLimited' && typeof e.delayMs === 'number'
}

/** `PermanentError` / `RetryAfter` / `RateLimited`, recognised by name too, so a second copy of this module (dist vs src) still works. */
export const failOptionsFor = (error: unknown): FailOptions => {
  const e = error as { name?: unknown; delayMs?: unknown } | null
  if (isRateLimited(error)) return { rateLimitedMs: error.delayMs }
  if (e?.name === 'PermanentError') return { permanent: true }
  if (e?.name === 'RetryAfter' && typeof e.delayMs === 'number') return { retryAfterMs: e.delayMs }
  return {}
}

/**
 * The one final report of an execution. Precedence: a cancel request wins over any result
 * (the task ends `cancelled`); then an interrupted attempt is given back; then success,
 * timeout or failure. A report the queue does not accept (the lease expired, someone else holds the task)
 * is recorded by the core in the activity stream and reported here through `task:ignored`.
 */
export const report = async (d: ReportDeps, outcome: Outcome): Promise<Reported> => {
  const { backend, hooks, base } = d
  const { executionId } = base
  const taskId = base.task.id
  const cancelled = async (): Promise<Reported> => {
    await backend.confirmCancelled(taskId, executionId)
    hooks.emit('task:cancelled', base)
    return { outcome: 'cancelled' }
  }
  if (d.cancelKnown) return cancelled()
  // A success goes straight to `complete`: the host applies the same precedence (a cancel
  // requested meanwhile ends the task cancelled) and says so in its answer. Asking first cost a
  // remote worker one more HTTP round trip per task.
  if (outcome.kind === 'success') return reportSuccess(d, outcome.result)
  if (await backend.cancelRequested(taskId, executionId)) return cancelled()
  if (outcome.kind === 'interrupted') {
    const res = await backend.fail(executionId, new Error('worker shut down'), { outcome: 'interrupted', runnerId: base.runnerId })
    if (res.accepted) hooks.emit('task:interrupted', base)
    else hooks.emit('task:ignored', { ...base, report: 'failure' })
    return { outcome: res.accepted ? 'interrupted' : 'expired' }
  }
  return reportFailure(d, outcome)
}

const reportSuccess = async (d: ReportDeps, result: unknown): Promise<Reported> => {
  const { backend, hooks, base } = d
  let answer: ReportResult
  try {
    const completing = backend.complete(base.executionId, result, { runnerId: base.runnerId })
    d.onSubmitted?.()
    answer = await completing
  } catch (error) {
    // The result was refused (not plain JSON, over the size cap): the attempt failed.
    return reportFailure(d, { kind: 'error', error })
  }
  if (!answer.accepted) {
    hooks.emit('task:ignored', { ...base, report: 'completion' })
    return { outcome: 'expired' }
  }
  if (answer.cancelRequested) {
    hooks.emit('task:cancelled', base)
    return { outcome: 'cancelled' }
  }
  hooks.emit('task:success', { ...base, result, durationMs: Date.now() - d.startedAt })
  return { outcome: 'completed' }
}

const reportFailure = async (d: ReportDeps, outcome: Extract<Outcome, { error: unknown }>): Promise<Reported> => {
  const { backend, hooks, base } = d
  const timedOut = outcome.kind === 'timedOut'
  const error = outcome.error
  const res = await backend.fail(base.executionId, error, {
    ...(timedOut ? { outcome: 'timedOut' } : failOptionsFor(error)),
    runnerId: base.runnerId,
  })
  if (!res.accepted) {
    hooks.emit('task:ignored', { ...base, report: 'failure' })
    return { outcome: 'expired', error }
  }
  if (isRateLimited(error) && !timedOut) {
    if (res.cancelRequested) {
      hooks.emit('task:cancelled', base)
      return { outcome: 'cancelled', error }
    }
    hooks.emit('task:rateLimited', { ...base, delayMs: error.delayMs, retryAt: res.retryAt })
    return { outcome: 'rateLimited', error }
  }
  const after: Task = await backend.get(base.task.id)
  if (after.status === 'cancelled') {
    hooks.emit('task:cancelled', base)
    return { outcome: 'cancelled', error }
  }
  const final = after.status === 'failed'
  hooks.emit('task:error', { ...base, error, timedOut, willRetry: !final })
  if (!final) return { outcome: 'retried', error }
  hooks.emit('task:failed', { ...base, error, timedOut })
  const reason = timedOut ? 'timeout' : 'failure'
  const target = escalationTarget(d.escalation, base.task.type, reason)
  if (target === null) return { outcome: 'failed', error }
  const escalating = () => escalate(backend, after, base.executionId, target, reason, error)
  const { toTaskId } = await (d.inSpan ? d.inSpan(escalating) : escalating())
  hooks.emit('task:escalated', { ...base, toTaskId, toType: target, reason })
  return { outcome: 'failed', error }
}
