import { HostUnreachable } from '../client/errors.js'

/**
 * Riding out an unreachable host. A remote worker's calls fail while the host restarts
 * (connection refused, reset, or 503 while it stops and starts); they are retried with
 * exponential backoff (100 ms doubling to a 5 s cap, each delay drawn from [d/2, d] so many
 * workers coming back do not hit the new host in step) until the host answers again. The
 * outage is reported once, when it starts and when it ends.
 */

export const isHostUnreachable = (error: unknown): boolean => (error as { _tag?: unknown } | null)?._tag === 'HostUnreachable'

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
])
const UNAVAILABLE_TAGS = new Set(['QueueClosed', 'HostUnreachable', 'Unavailable', 'ServiceUnavailable', 'NetworkError'])

/** A failure that says nothing about the request itself: the host was down, restarting or overloaded. */
export const isTransient = (error: unknown): boolean => {
  for (let e = error as any, depth = 0; e && depth < 4; e = e.cause, depth++) {
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true
    if (typeof e._tag === 'string' && UNAVAILABLE_TAGS.has(e._tag)) return true
    if ([502, 503, 504].includes(e.status ?? e.statusCode)) return true
    // undici's `fetch` wraps every network failure as `TypeError: fetch failed`.
    if (e.name === 'TypeError' && e.message === 'fetch failed') return true
  }
  return false
}

export type BackoffOptions = { initialMs: number; maxMs: number }
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 100, maxMs: 5_000 }

export type RetryOptions = {
  /** Stops retrying: the call rejects with the signal's reason. */
  signal?: AbortSignal | undefined
  /** A time (ms since the epoch) after which the last error is thrown. (Default: never) */
  until?: number
  /** Which transient errors may be retried. (Default: all) */
  when?: (error: unknown) => boolean
}

export type ConnectionEvents = { disconnected(error: unknown): void; reconnected(downMs: number): void }

export class Reconnector {
  private downSince: number | null = null
  private readonly gaveUp = new AbortController()

  constructor(
    /** The host, for the errors' messages. */
    private readonly url: string,
    private readonly events: ConnectionEvents,
    private readonly backoff: BackoffOptions = DEFAULT_BACKOFF,
  ) {}

  /** One try: a transient failure is reported and rethrown as `HostUnreachable` (heartbeats: the next tick tries again). */
  async once<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return this.ok(await fn())
    } catch (error) {
      if (!isTransient(error)) throw error
      this.down(error)
      if (isHostUnreachable(error)) throw error
      throw new HostUnreachable({ url: this.url, reason: `it is not serving: ${(error as Error)?.message ?? String(error)}` })
    }
  }

  /**
   * Retries transient failures until the host answers, `signal` aborts (rejects with its
   * reason), `until` passes or `giveUp()` is called (one more try, then the last error).
   * Other errors, and transient ones `when` refuses, are rethrown at once.
   */
  async retry<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
    const { signal, until = Number.POSITIVE_INFINITY, when = () => true } = opts
    let delay = this.backoff.initialMs
    for (;;) {
      try {
        return this.ok(await fn())
      } catch (error) {
        if (signal?.aborted) throw signal.reason
        if (!isTransient(error)) throw error
        this.down(error)
        if (!when(error) || this.gaveUp.signal.aborted || Date.now() >= until) throw error
        await this.sleep(Math.min(delay / 2 + (Math.random() * delay) / 2, Math.max(0, until - Date.now())), signal)
        delay = Math.min(this.backoff.maxMs, delay * 2)
      }
    }
  }

  /** Calls waiting for the host stop waiting (a forced stop). */
  giveUp(): void {
    this.gaveUp.abort()
  }

  private ok<T>(value: T): T {
    if (this.downSince !== null) {
      const downMs = Date.now() - this.downSince
      this.downSince = null
      this.events.reconnected(downMs)
    }
    return value
  }

  private down(error: unknown): void {
    if (this.downSince !== null) return
    this.downSince = Date.now()
    this.events.disconnected(error)
  }

  /** Resolves after `ms`, or early on giveUp (the caller then tries once more); rejects when `signal` aborts. */
  private sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      const cleanup = () => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        this.gaveUp.signal.removeEventListener('abort', done)
      }
      const done = () => {
        cleanup()
        resolve()
      }
      const onAbort = () => {
        cleanup()
        reject(signal?.reason)
      }
      const timer = setTimeout(done, ms)
      signal?.addEventListener('abort', onAbort, { once: true })
      this.gaveUp.signal.addEventListener('abort', done, { once: true })
    })
  }
}
