import { HttpServerResponse } from '@effect/platform'
import { Effect } from 'effect'
import type { TaskQueue } from '../taskQueue/TaskQueue.js'
import { type ApiError, apiError, fromLibraryError } from './errors.js'
import type { Lifecycle } from './health.js'
import type { ClaimWaiters } from './longPoll.js'
import type { Metrics } from './metrics.js'

/** What every handler group works with. */
export type ServerDeps = {
  readonly queue: TaskQueue
  readonly metrics: Metrics
  readonly lifecycle: Lifecycle
  readonly waiters: ClaimWaiters
  /** How often an idle SSE stream gets a `: keepalive` comment. (Default: 15000) */
  readonly keepaliveMs: number
  /** Whether requests need a token now (tokens.json has any). */
  readonly tokensRequired: () => boolean
}

/**
 * Runs a library call. Its tagged errors become their HTTP answers; `signal` is aborted when
 * the client goes away or the host stops, so long waits end with the request.
 */
export const call = <A>(deps: ServerDeps, f: (signal: AbortSignal) => Promise<A>): Effect.Effect<A, ApiError> =>
  Effect.tryPromise({
    try: (signal) => withStop(signal, deps.lifecycle.signal, f),
    catch: (error) =>
      error === deps.lifecycle.signal.reason ? apiError(503, 'QueueClosed', 'the host is stopping; try again when it is back') : fromLibraryError(error),
  })

/**
 * `f` gets a signal aborted by either the request's or the host's. Done by hand, with the
 * listener removed when `f` settles: `AbortSignal.any` on the host's long-lived signal would
 * keep a dependant per request alive on it.
 */
const withStop = async <A>(request: AbortSignal, host: AbortSignal, f: (signal: AbortSignal) => Promise<A>): Promise<A> => {
  if (host.aborted) return f(host)
  const controller = new AbortController()
  const onStop = () => controller.abort(host.reason)
  const onGone = () => controller.abort(request.reason)
  host.addEventListener('abort', onStop, { once: true })
  request.addEventListener('abort', onGone, { once: true })
  try {
    return await f(controller.signal)
  } finally {
    host.removeEventListener('abort', onStop)
    request.removeEventListener('abort', onGone)
  }
}

/**
 * The library's objects go out as JSON as they are: the OpenAPI schemas describe them, but
 * re-encoding every task through a schema would only cost time on the claim path.
 */
export const json = (body: unknown, status = 200): HttpServerResponse.HttpServerResponse => HttpServerResponse.unsafeJson(body, { status })

/** `call`, answered as JSON. */
export const respond = <A>(deps: ServerDeps, f: (signal: AbortSignal) => Promise<A>, status = 200) => Effect.map(call(deps, f), (body) => json(body, status))

export const OK = { ok: true } as const
