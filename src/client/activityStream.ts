import type { ActivityEntry } from '../queue/types.js'
import { decodeError } from './decodeError.js'
import { HostUnreachable } from './errors.js'
import { headers, requestJson, send, withQuery } from './http.js'
import { readSse } from './sse.js'

export type ActivityStreamOptions = {
  /** Entries after this `seq`. (Default: only entries from now on) */
  since?: number
  taskId?: string
  queue?: string
  type?: string
  /** Only these activity kinds, comma-separated (e.g. `completed,failed`). */
  kind?: string
  /** How long to keep reconnecting while the host cannot be reached before giving up. (Default: 30000) */
  retryForMs?: number
  /** Reconnect when nothing (not even the 15 s keepalive) arrived for this long. (Default: 45000) */
  idleMs?: number
}

/**
 * A running subscription: `done` resolves after `close()`, rejects when the stream gives up.
 * `started` resolves once the stream knows where it starts (`since`, or the head it read): every
 * entry written after that is delivered, whenever the connection itself opens.
 */
export type ActivityStream = { close(): void; readonly done: Promise<void>; readonly started: Promise<void> }

type Connection = { base: string; token: string | undefined }

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        resolve()
      },
      { once: true },
    )
  })

/** The consumer's own failure, from `onEntry`: reconnecting would repeat it. */
class Fatal {
  constructor(readonly error: unknown) {}
}

/**
 * What another connection may fix: no answer, a reset mid-stream, the idle watchdog, a host
 * starting or stopping (5xx: QueueClosed, StoreLocked, …). An answer that refuses the request
 * (401, 403, a bad filter) will not get better.
 */
const RETRYABLE_TAGS = new Set(['HostUnreachable', 'QueueClosed', 'StoreLocked'])
const isRetryable = (error: unknown): boolean => {
  const tag = (error as { _tag?: unknown } | null)?._tag
  if (typeof tag !== 'string') return true
  const status = (error as { status?: unknown }).status
  return RETRYABLE_TAGS.has(tag) || (typeof status === 'number' && status >= 500)
}

/**
 * The host's SSE activity stream, resumed after every drop with `Last-Event-ID` (and `since`),
 * so the consumer sees every entry once, in order: entries at or below the last seq seen are
 * skipped. Without `since`, the stream starts at the current head, read first, so even a drop
 * before the first entry leaves no gap.
 */
export const openActivityStream = (conn: Connection, opts: ActivityStreamOptions, onEntry: (entry: ActivityEntry) => void): ActivityStream => {
  const controller = new AbortController()
  const { signal } = controller
  const retryForMs = opts.retryForMs ?? 30_000
  const idleMs = opts.idleMs ?? 45_000
  let last = opts.since
  let markStarted: () => void = () => {}
  const started = new Promise<void>((resolve) => (markStarted = resolve))
  if (last !== undefined) markStarted()

  const connectOnce = async () => {
    if (last === undefined) {
      const { items } = await requestJson<{ items: ActivityEntry[] }>(conn.base, conn.token, 'GET', '/api/activity', { query: { limit: 1 }, signal })
      last = items[items.length - 1]?.seq ?? 0
      markStarted()
    }
    // Each connection gets its own controller, so the idle watchdog can cut just this one.
    const attempt = new AbortController()
    const stop = () => attempt.abort()
    signal.addEventListener('abort', stop, { once: true })
    let idle = setTimeout(stop, idleMs)
    try {
      const url = `${conn.base}${withQuery('/api/activity/stream', { since: last, taskId: opts.taskId, queue: opts.queue, type: opts.type, kind: opts.kind })}`
      const response = await send(conn.base, {
        url,
        method: 'GET',
        headers: { ...headers(conn.token, false), 'last-event-id': String(last) },
        signal: attempt.signal,
      })
      if (!response.ok || response.body === null) {
        throw decodeError(conn.base, response.status, await response.json().catch(() => null))
      }
      failingSince = null
      const onChunk = () => {
        clearTimeout(idle)
        idle = setTimeout(stop, idleMs)
      }
      await readSse(
        response.body,
        (event) => {
          if (event.event !== 'activity') return
          const entry = JSON.parse(event.data) as ActivityEntry
          if (last !== undefined && entry.seq <= last) return
          last = entry.seq
          try {
            onEntry(entry)
          } catch (error) {
            throw new Fatal(error)
          }
        },
        onChunk,
      )
    } finally {
      clearTimeout(idle)
      signal.removeEventListener('abort', stop)
      attempt.abort() // frees the connection when we stopped reading early
    }
  }

  let failingSince: number | null = null
  const run = async () => {
    let delay = 250
    while (!signal.aborted) {
      try {
        await connectOnce()
        delay = 250 // the host ended the stream (restarting?): reconnect soon
      } catch (error) {
        if (signal.aborted) return
        if (error instanceof Fatal) throw error.error
        if (!isRetryable(error)) throw error
        failingSince ??= Date.now()
        if (Date.now() - failingSince > retryForMs) {
          throw typeof (error as { _tag?: unknown })?._tag === 'string'
            ? error
            : new HostUnreachable({ url: conn.base, reason: `the activity stream kept dropping: ${(error as Error)?.message ?? error}` })
        }
        delay = Math.min(delay * 2, 2_000)
      }
      await sleep(delay, signal)
    }
  }

  const done = run().finally(() => {
    controller.abort()
    markStarted()
  })
  done.catch(() => {}) // observed through `done`; never an unhandled rejection
  return { close: () => controller.abort(), done, started }
}
