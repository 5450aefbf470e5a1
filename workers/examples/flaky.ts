import { type Handler, RetryAfter } from '../../src/runtime/index.js'

export type FlakyPayload = {
  /** Attempts that fail before one succeeds. (Default: 2) */
  failTimes?: number
  /** Ask for this retry delay instead of the backoff policy's (shows `RetryAfter`). */
  retryAfterMs?: number
}

/**
 * `flaky`: fails its first `failTimes` attempts with a transient error, so the queue retries it
 * with backoff (each attempt is a row in `taskExecutions`). With `failTimes` ≥ the task's
 * `maxAttempts` it runs out of attempts, is dead-lettered, and — with the escalation rule in
 * `index.ts` — a `human-review` task is queued for it.
 */
export const flaky: Handler<FlakyPayload, { succeededOnAttempt: number }> = async (task, ctx) => {
  const failTimes = task.payload?.failTimes ?? 2
  if (ctx.attempt <= failTimes) {
    const message = `upstream hiccup on attempt ${ctx.attempt} of ${task.maxAttempts}`
    if (task.payload?.retryAfterMs !== undefined) throw new RetryAfter(task.payload.retryAfterMs, message)
    throw new Error(message)
  }
  return { succeededOnAttempt: ctx.attempt }
}
