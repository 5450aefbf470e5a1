import { HttpServerRequest, HttpServerResponse } from '@effect/platform'
import * as NodeHttpServerRequest from '@effect/platform-node/NodeHttpServerRequest'
import { Chunk, Effect, Option, Stream } from 'effect'
import { activityHead$ } from '../../schema/queries.js'
import type { ActivityEntry } from '../queue/types.js'
import type { ServerDeps } from './context.js'
import { apiError, errorResponse } from './errors.js'
import { sseLimits } from './sseLimits.js'

export type StreamFilters = { taskId?: string | undefined; queue?: string | undefined; type?: string | undefined; kind?: string | undefined }

const encoder = new TextEncoder()
const BATCH = 500

/**
 * The most a stream holds for its client before the next page is read from the table. Until the
 * platform hands what is held to the socket, the drain waits: a replay or a burst is paged from
 * the table as the client reads, never piled up in memory. (Before: up to 16 pages of 500
 * entries in Stream.async's buffer; 25 stalled clients replaying history added ~110 MiB of
 * external memory, ~21 MiB after: bench/README.md, "SSE clients".)
 */
export const PAGE_BYTES = 64 * 1024

const frame = (e: ActivityEntry) => `id: ${e.seq}\nevent: activity\ndata: ${JSON.stringify(e)}\n\n`

/** The Node response under the request this stream answers, to close a stalled client's socket. */
const nodeResponse = Effect.map(Effect.serviceOption(HttpServerRequest.HttpServerRequest), Option.map(NodeHttpServerRequest.toServerResponse))

/**
 * GET /api/activity/stream: the activity table as Server-Sent Events. Everything after `since`
 * (the Last-Event-ID a reconnecting client sends, or ?since=) is read from the table first,
 * then the stream follows `activityHead$` live. One cursor and one drain at a time: every entry
 * goes out exactly once, in seq order, whether it arrived during the backlog or later. Without
 * `since` it starts at the current head (live only).
 *
 * Bounds, per stream: at most PAGE_BYTES plus one page held (the drain waits for the client);
 * a client that takes nothing for `stallMs` while frames wait is dropped at the next keepalive
 * tick (its socket closed; it can resume with Last-Event-ID); keepalives go out only when nothing is waiting, so a stalled
 * client does not collect them. Every resource (subscription, timer, stop listener) is released
 * when the stream ends, however it ends; `metrics.sseStreams` counts the open ones, and more than
 * `maxStreams` at once are refused with 503.
 */
export const activityStream = (deps: ServerDeps, filters: StreamFilters, since: number | undefined): HttpServerResponse.HttpServerResponse => {
  const { queue, lifecycle, metrics } = deps
  const { maxStreams, stallMs } = sseLimits(deps)
  if (metrics.sseStreams >= maxStreams) {
    metrics.sseRefused++
    return errorResponse(
      apiError(503, 'TooManyStreams', `the host serves at most ${maxStreams} activity streams at once; try again later`, { limit: maxStreams }),
    )
  }
  // Bytes emitted but not yet taken by the platform (it takes the next only once the socket drained).
  let held = 0
  let takenAt = Date.now()
  let room: (() => void) | null = null
  const taken = (bytes: number) => {
    held -= bytes
    takenAt = Date.now()
    if (held < PAGE_BYTES && room) {
      const wake = room
      room = null
      wake()
    }
  }

  const body = Stream.unwrap(
    Effect.map(nodeResponse, (response) =>
      Stream.async<Uint8Array>((emit) => {
        metrics.sseStreams++
        let cursor = since ?? queue.store.query(activityHead$)
        let draining = false
        let again = false
        let closed = false
        const send = (text: string) => {
          const bytes = encoder.encode(text)
          held += bytes.length
          void emit.single(bytes)
        }
        const hasRoom = () => (held < PAGE_BYTES ? Promise.resolve() : new Promise<void>((resolve) => (room = resolve)))

        const drain = async () => {
          if (draining) {
            again = true
            return
          }
          draining = true
          try {
            do {
              again = false
              for (;;) {
                await hasRoom()
                if (closed) return
                // Read in one synchronous step: the head and the entries see the same state.
                const entries = queue.activity({ since: cursor, limit: BATCH, ...filters })
                const head = queue.store.query(activityHead$)
                const batch = await entries
                if (closed) return
                if (batch.length > 0) send(batch.map(frame).join(''))
                const last = batch.at(-1)?.seq ?? cursor
                // Fewer than a batch: every match up to the head has gone out; skip past non-matches.
                cursor = batch.length < BATCH ? Math.max(last, head) : last
                if (batch.length < BATCH) break
              }
            } while (again && !closed)
          } catch {
            void emit.end() // the queue closed under us: the host is stopping
          } finally {
            draining = false
          }
        }

        let dropped = false
        const drop = () => {
          dropped = true
          metrics.sseDropped++
          // Closing the socket makes the platform interrupt this stream, which runs the release below.
          if (Option.isSome(response)) response.value.destroy()
          else void emit.end()
        }
        // A keepalive only when nothing waits: a stalled client would collect one every interval.
        const tick = () => {
          if (dropped) return
          if (held === 0) send(': keepalive\n\n')
          else if (Date.now() - takenAt >= stallMs) drop()
        }

        send(': connected\n\n') // sends the headers now, so the client knows it is subscribed
        // Never read inside the subscription callback's update cycle; the drain runs just after it.
        const unsubscribe = queue.subscribe(activityHead$, () => queueMicrotask(() => void drain()))
        queueMicrotask(() => void drain()) // the backlog after `since`
        const timer = setInterval(tick, deps.keepaliveMs)
        const end = () => void emit.end()
        lifecycle.signal.addEventListener('abort', end)
        return Effect.sync(() => {
          closed = true
          room?.()
          unsubscribe()
          clearInterval(timer)
          lifecycle.signal.removeEventListener('abort', end)
          metrics.sseStreams--
        })
      }, 'unbounded'),
    ),
  ).pipe(
    Stream.mapChunks((chunk) => {
      taken(Chunk.reduce(chunk, 0, (n, bytes) => n + bytes.length))
      return chunk
    }),
  )

  return HttpServerResponse.stream(body, {
    contentType: 'text/event-stream',
    headers: { 'cache-control': 'no-cache', 'x-accel-buffering': 'no' },
  })
}

/** The resume point: the Last-Event-ID header (what a browser sends on reconnect) wins over ?since=. */
export const resumeFrom = (lastEventId: string | undefined, since: number | undefined): number | undefined | 'invalid' => {
  if (lastEventId === undefined || lastEventId.trim() === '') return since
  return /^\d+$/.test(lastEventId.trim()) ? Number(lastEventId.trim()) : 'invalid'
}
