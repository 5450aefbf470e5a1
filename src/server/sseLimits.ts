import type { ServerDeps } from './context.js'

/** What bounds the activity streams (SSE) of one server. */
export type SseLimits = {
  /** Streams open at once; one more is answered 503 `TooManyStreams`. */
  readonly maxStreams: number
  /** A client that has taken nothing for this long while frames wait for it is dropped. */
  readonly stallMs: number
}

/**
 * 256 streams: each open stream runs one activity read per commit (50 streams at 20 tasks/s cost
 * the host about a tenth of a core here), so CPU, not memory, is what many streams exhaust.
 * 30 s: two keepalive intervals, so a client whose socket has been full that long is gone or
 * stuck; a live one reconnects with Last-Event-ID and misses nothing.
 */
export const DEFAULT_SSE_LIMITS: SseLimits = { maxStreams: 256, stallMs: 30_000 }

/** Set by startServer beside the deps the handler groups share (ServerDeps has no place for them). */
const limits = new WeakMap<ServerDeps, SseLimits>()

export const setSseLimits = (deps: ServerDeps, given: Partial<SseLimits>): void => {
  limits.set(deps, { ...DEFAULT_SSE_LIMITS, ...given })
}

export const sseLimits = (deps: ServerDeps): SseLimits => limits.get(deps) ?? DEFAULT_SSE_LIMITS
