import { afterEach, describe, expect, it } from 'vitest'
import { readEvents, startTestServer, type TestServer } from './helpers/server.js'

let t: TestServer
afterEach(async () => {
  await t?.close()
})

const seqs = (events: ReadonlyArray<{ id: number }>) => events.map((e) => e.id)
const increasing = (ids: ReadonlyArray<number>) => ids.every((id, i) => i === 0 || id > (ids[i - 1] as number))

describe('GET /api/activity/stream (Server-Sent Events)', () => {
  it('follows live; after a disconnect, Last-Event-ID resumes with every entry exactly once, in order', async () => {
    t = await startTestServer()
    await t.queue.enqueue({ type: 'before' }) // before connecting: not sent without a resume point
    const head = (await t.queue.activity({ since: 0 })).at(-1)!.seq
    const first = await readEvents(`${t.url}/api/activity/stream`)
    expect(first.response.headers.get('content-type')).toContain('text/event-stream')
    const a = await t.api('POST', '/api/tasks/batch', { body: { tasks: [{ type: 'a' }, { type: 'a' }, { type: 'a' }] } })
    await first.until(() => first.events.length >= 3)
    expect(first.events.map((e) => [e.event, e.data.kind, e.data.taskId])).toEqual(a.body.items.map((i: any) => ['activity', 'queued', i.id]))
    await first.close()

    // While disconnected: more work, claims and completions.
    await t.queue.enqueueMany(Array.from({ length: 5 }, () => ({ type: 'b' })))
    const claims = await t.queue.claim({ runnerId: 'r', limit: 4 })
    await Promise.all(claims.slice(0, 2).map((c) => t.queue.complete(c.executionId, { ok: true })))

    const lastSeen = first.events.at(-1)!.id
    const second = await readEvents(`${t.url}/api/activity/stream`, { 'last-event-id': String(lastSeen) })
    const missed = await t.queue.activity({ since: lastSeen, limit: 1000 })
    await second.until(() => second.events.length >= missed.length)
    // …and live again after the backlog.
    const live = await t.queue.enqueue({ type: 'c' })
    await second.until(() => second.events.some((e) => e.data.taskId === live.id))
    await second.close()

    const all = [...first.events, ...second.events]
    const ids = seqs(all)
    expect(increasing(ids), ids.join(',')).toBe(true)
    const expected = await t.queue.activity({ since: head, limit: 1000 })
    expect(all.map((e) => e.data)).toEqual(expected)
  })

  it('?since= replays the backlog (more than one batch) exactly once, in order, then follows', async () => {
    t = await startTestServer()
    await t.queue.enqueueMany(Array.from({ length: 1_200 }, (_, i) => ({ type: 'bulk', payload: i })))
    const stream = await readEvents(`${t.url}/api/activity/stream?since=0`)
    await stream.until(() => stream.events.length >= 1_200)
    await t.queue.enqueue({ type: 'tail' })
    // A repeat would arrive before a later entry: once the marker is in, nothing came twice.
    await t.queue.enqueue({ type: 'marker' })
    await stream.until(() => stream.events.some((e) => e.data.type === 'marker'))
    await stream.close()
    expect(stream.events).toHaveLength(1_202)
    expect(stream.events.map((e) => e.data.type).slice(1_200)).toEqual(['tail', 'marker'])
    expect(increasing(seqs(stream.events))).toBe(true)
    expect(stream.events.slice(0, 1_200).map((e) => e.data.summary)).toEqual(
      (await t.queue.activity({ since: 0, limit: 1000 }))
        .concat(await t.queue.activity({ since: 1000, limit: 1000 }))
        .slice(0, 1_200)
        .map((e) => e.summary),
    )
  })

  it('filters by type, queue and taskId', async () => {
    t = await startTestServer()
    const stream = await readEvents(`${t.url}/api/activity/stream?type=keep&queue=q`)
    const byTask = await readEvents(`${t.url}/api/activity/stream?since=0&taskId=T1`)
    await t.queue.enqueueMany([
      { type: 'keep', queue: 'q', id: 'T1' },
      { type: 'keep', queue: 'other' },
      { type: 'drop', queue: 'q' },
      { type: 'keep', queue: 'q', id: 'T2' },
    ])
    for (let i = 0; i < 20; i++) await t.queue.enqueue({ type: 'noise' })
    await t.queue.cancel('T1')
    // Markers that pass each filter, written last: once they are in, every entry before them is.
    await t.queue.enqueue({ type: 'keep', queue: 'q', id: 'T3' })
    await t.queue.retry('T1')
    await stream.until(() => stream.events.some((e) => e.data.taskId === 'T3'))
    await byTask.until(() => byTask.events.length >= 3)
    await Promise.all([stream.close(), byTask.close()])
    expect(stream.events.map((e) => [e.data.taskId, e.data.kind]).slice(0, 4)).toEqual([
      ['T1', 'queued'],
      ['T2', 'queued'],
      ['T1', 'cancelled'],
      ['T3', 'queued'],
    ])
    expect(byTask.events.map((e) => e.data.kind).slice(0, 2)).toEqual(['queued', 'cancelled'])
    expect(byTask.events.every((e) => e.data.taskId === 'T1')).toBe(true)
  })

  it('sends keepalive comments, refuses a bad Last-Event-ID, and ends streams when the server stops', async () => {
    t = await startTestServer({ keepaliveMs: 50 })
    const stream = await readEvents(`${t.url}/api/activity/stream`)
    await stream.until(() => stream.comments.includes('keepalive'))
    const bad = await t.api('GET', '/api/activity/stream', { headers: { 'last-event-id': 'soon' } })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatchObject({ _tag: 'ValidationError', field: 'Last-Event-ID' })
    const started = Date.now()
    await t.server.close()
    await stream.done
    expect(stream.ended()).toBe(true)
    expect(Date.now() - started).toBeLessThan(3_000)
  })
})
