/**
 * What a handler throws to steer the retry policy, and what a handler's `ctx.signal.reason`
 * holds when the runtime aborts it. Plain `Error` subclasses so handlers need no Effect.
 */

/** Throw from a handler to fail the task for good: no retry, straight to the dead-letter view. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** Throw from a handler to retry after exactly `delayMs` instead of the backoff policy's delay. */
export class RetryAfter extends Error {
  override readonly name = 'RetryAfter'
  constructor(
    readonly delayMs: number,
    message = `retry requested in ${delayMs} ms`,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    if (!(Number.isFinite(delayMs) && delayMs >= 0)) throw new RangeError(`RetryAfter delay must be a number of ms ≥ 0; got ${delayMs}`)
  }
}

/**
 * Thrown by `ctx.rateLimited(ms)` (or by a handler itself): the task's provider rate limited it.
 * The task runs again after `delayMs` without using up an attempt, and its type pauses as long
 * for every worker.
 */
export class RateLimited extends Error {
  override readonly name = 'RateLimited'
  constructor(
    readonly delayMs: number,
    message = `rate limited: the type pauses for ${delayMs} ms`,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    if (!(Number.isFinite(delayMs) && delayMs >= 1)) throw new RangeError(`RateLimited delay must be a number of ms ≥ 1; got ${delayMs}`)
  }
}

/**
 * Why the runtime aborted a handler's signal:
 * - `timeout`: the task's `timeoutMs` passed; the execution ends `timedOut`.
 * - `cancelled`: someone cancelled the task; it ends `cancelled` when the handler stops.
 * - `shutdown`: the worker stopped and the grace period ran out; the attempt is given back.
 * - `leaseLost`: the execution's lease expired (it no longer holds the task); its report will be ignored.
 */
export type AbortReasonKind = 'timeout' | 'cancelled' | 'shutdown' | 'leaseLost'

/** The `signal.reason` of an aborted handler: `kind` says why. */
export class TaskAborted extends Error {
  override readonly name = 'TaskAborted'
  constructor(
    readonly kind: AbortReasonKind,
    message: string = MESSAGES[kind],
  ) {
    super(message)
  }
}

const MESSAGES: Record<AbortReasonKind, string> = {
  timeout: 'the task timed out',
  cancelled: 'the task was cancelled',
  shutdown: 'worker shut down',
  leaseLost: 'the execution lost its lease',
}

/** The reason's kind, if `reason` is one of ours (handlers can use it to tell why they were stopped). */
export const abortKind = (signal: AbortSignal): AbortReasonKind | null => (signal.aborted && signal.reason instanceof TaskAborted ? signal.reason.kind : null)
