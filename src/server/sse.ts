import { HttpServerResponse } from '@effect/platform'
import { Effect, Stream } from 'effect'
import { activityHead$ } from '../../schema/queries.js'
import type { ActivityEntry } from '../queue/types.js'
import type { ServerDeps } from './context.js'

export type StreamFilters = { taskId?: string | undefined; queue?: string | undefined; type?: string | undefined; kind?: string | undefined }

const encoder = new TextEncoder()
const BATCH = 500

const frame = (e: ActivityEntry) => `id: ${e.seq}\nevent: activity\ndata: ${JSON.stringify(e)}\n\n`

/**
 * GET /api/activity/stream: the activity table as Server-Sent Events. Everything after `since`
 * (the Last-Event-ID a reconnecting client sends, or ?since=) is read from the table first,
 * then the stream follows `activityHead$` live. One cursor and one drain at a time: every entry
 * goes out exactly once, in seq order, whether it arrived during the backlog or later. Without
 * `since` it starts at the current head (live only). Drains wait for the client to take what
 * was sent (backpressure), so a slow reader does not pile the table up in memory.
 */
export const activityStream = (deps: ServerDeps, filters: StreamFilters, since: number | undefined) => {
  const { queue, lifecycle } = deps
  const stream = Stream.async<Uint8Array>((emit) => {
    let cursor = since ?? queue.store.query(activityHead$)
    let draining = false
    let again = false
    let closed = false
    const send = (text: string) => emit.single(encoder.encode(text))

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
            // Read in one synchronous step: the head and the entries see the same state.
            const entries = queue.activity({ since: cursor, limit: BATCH, ...filters })
            const head = queue.store.query(activityHead$)
            const batch = await entries
            if (closed) return
            if (batch.length > 0) await send(batch.map(frame).join(''))
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

    void send(': connected\n\n') // sends the headers now, so the client knows it is subscribed
    // Never read inside the subscription callback's update cycle; the drain runs just after it.
    const unsubscribe = queue.store.subscribe(activityHead$, () => queueMicrotask(() => void drain()))
    queueMicrotask(() => void drain()) // the backlog after `since`
    const keepalive = setInterval(() => void send(': keepalive\n\n'), deps.keepaliveMs)
    const end = () => void emit.end()
    lifecycle.signal.addEventListener('abort', end)
    return Effect.sync(() => {
      closed = true
      unsubscribe()
      clearInterval(keepalive)
      lifecycle.signal.removeEventListener('abort', end)
    })
  }, 16)
  return HttpServerResponse.stream(stream, {
    contentType: 'text/event-stream',
    headers: { 'cache-control': 'no-cache', 'x-accel-buffering': 'no' },
  })
}

/** The resume point: the Last-Event-ID header (what a browser sends on reconnect) wins over ?since=. */
export const resumeFrom = (lastEventId: string | undefined, since: number | undefined): number | undefined | 'invalid' => {
  if (lastEventId === undefined || lastEventId.trim() === '') return since
  return /^\d+$/.test(lastEventId.trim()) ? Number(lastEventId.trim()) : 'invalid'
}
