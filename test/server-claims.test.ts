import { afterEach, describe, expect, it } from 'vitest'
import { until } from './helpers/queue.js'
import { startTestServer, type TestServer } from './helpers/server.js'

let t: TestServer
afterEach(async () => {
  await t?.close()
})

describe('HTTP API: long-poll claims', () => {
  it('answers a waiting claim the moment a task is enqueued, and [] after waitMs when nothing comes', async () => {
    t = await startTestServer()
    const started = Date.now()
    const claim = t.api('POST', '/api/claims', { body: { runnerId: 'r', types: ['job'], waitMs: 10_000 } })
    await until('the claim is waiting on the host', () => t.server.waitingClaims() === 1)
    await t.api('POST', '/api/tasks', { body: { type: 'other' } }) // not for this claim: it keeps waiting
    const task = await t.api('POST', '/api/tasks', { body: { type: 'job' } })
    const answer = await claim
    expect(answer.body.claims.map((c: any) => c.task.id)).toEqual([task.body.id])
    expect(Date.now() - started).toBeLessThan(5_000)

    const idle = Date.now()
    expect((await t.api('POST', '/api/claims', { body: { runnerId: 'r', types: ['job'], waitMs: 300 } })).body).toEqual({ claims: [] })
    expect(Date.now() - idle).toBeGreaterThanOrEqual(290)
  })

  it('wakes for a delayed task when it comes due, and for a queue being resumed', async () => {
    t = await startTestServer()
    await t.queue.enqueue({ type: 'later', delay: 300 })
    const started = Date.now()
    const answer = await t.api('POST', '/api/claims', { body: { runnerId: 'r', waitMs: 5_000 } })
    expect(answer.body.claims).toHaveLength(1)
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)

    await t.queue.pause('slow')
    await t.queue.enqueue({ type: 'x', queue: 'slow' })
    const waiting = t.api('POST', '/api/claims', { body: { runnerId: 'r', waitMs: 5_000 } })
    await until('the claim is waiting on the host', () => t.server.waitingClaims() === 1)
    await t.api('POST', '/api/queues/slow/resume')
    expect((await waiting).body.claims).toHaveLength(1)
  })

  it('stops waiting when the client goes away, and claims nothing for it', async () => {
    t = await startTestServer()
    const controller = new AbortController()
    const claim = t.api('POST', '/api/claims', { body: { runnerId: 'gone', waitMs: 10_000 }, signal: controller.signal }).catch((e) => e)
    await until('the claim is waiting on the host', () => t.server.waitingClaims() === 1)
    controller.abort()
    await claim
    await until('the host let go of the claim', () => t.server.waitingClaims() === 0)
    // Another claim now waits too, and gets the next task: the one that went away, had it still
    // been waiting, would have been answered in the same turn.
    const present = t.api('POST', '/api/claims', { body: { runnerId: 'present', waitMs: 10_000 } })
    await until('the second claim is waiting', () => t.server.waitingClaims() === 1)
    const task = await t.queue.enqueue({ type: 'x' })
    expect((await present).body.claims.map((c: any) => c.task.id)).toEqual([task.id])
    expect(t.queue.store.query({ query: 'SELECT runnerId FROM taskExecutions', bindValues: {} })).toEqual([{ runnerId: 'present' }])
  })

  it('answers waiting claims with [] when the server stops', async () => {
    t = await startTestServer()
    const claim = t.api('POST', '/api/claims', { body: { runnerId: 'r', waitMs: 20_000 } })
    await until('the claim is waiting on the host', () => t.server.waitingClaims() === 1)
    const started = Date.now()
    await t.server.close()
    expect((await claim).body).toEqual({ claims: [] })
    expect(Date.now() - started).toBeLessThan(3_000)
    await expect(fetch(`${t.url}/healthz`)).rejects.toThrow()
  })
})
