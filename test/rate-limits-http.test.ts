import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RemoteQueue } from '../src/client/RemoteQueue.js'
import { startTestServer, type TestServer } from './helpers/server.js'

/** Rate limits over HTTP (docs/http-api.md): the same API as in process, bad input a 400 that names the field. */
describe('rate limits over HTTP', () => {
  let t: TestServer
  let remote: RemoteQueue
  beforeAll(async () => {
    t = await startTestServer()
    remote = new RemoteQueue({ url: t.url })
  })
  afterAll(async () => {
    await remote.close()
    await t.close()
  })

  it('set, list, get and clear through RemoteQueue, for a type and for a queue (names with a slash too)', async () => {
    expect(await remote.limits.set('llm/chat', { max: 2, perMs: 60_000 })).toMatchObject({ scope: 'type', name: 'llm/chat', max: 2, perMs: 60_000, used: 0 })
    await remote.limits.set({ queue: 'openai' }, { max: 100, perMs: 1_000 })
    expect((await remote.limits.list()).map((l) => `${l.scope}:${l.name}`)).toEqual(['type:llm/chat', 'queue:openai'])
    await t.queue.enqueueMany([{ type: 'llm/chat' }, { type: 'llm/chat' }, { type: 'llm/chat' }])
    expect(await remote.claim({ runnerId: 'r', limit: 10 })).toHaveLength(2)
    expect(await remote.limits.get('llm/chat')).toMatchObject({ used: 2, nextClaimAt: expect.any(Number) })
    expect(await remote.limits.clear('llm/chat')).toEqual({ scope: 'type', name: 'llm/chat', cleared: true })
    expect(await remote.limits.get('llm/chat')).toMatchObject({ max: null, used: 0, nextClaimAt: null })
    await remote.limits.clear({ queue: 'openai' })
    expect(await remote.limits.list()).toEqual([])
  })

  it('bad input is a 400 with a JSON body naming what to fix, and changes nothing', async () => {
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['PUT', '/api/limits/type/llm', { max: 0, perMs: 1000 }, /max/],
      ['PUT', '/api/limits/type/llm', { max: 1, perMs: 1e20 }, /perMs/],
      ['PUT', '/api/limits/type/llm', { max: 1 }, /perMs/],
      ['PUT', '/api/limits/type/llm', { max: 1, perMs: 1000, burst: 3 }, /burst/],
      ['PUT', '/api/limits/team/llm', { max: 1, perMs: 1000 }, /scope|team/],
      ['PUT', `/api/limits/type/${encodeURIComponent('bad name!')}`, { max: 1, perMs: 1000 }, /type/],
    ]
    for (const [method, route, body, says] of cases) {
      const answer = await t.api(method, route, { body })
      expect(answer.status, `${method} ${route} ${JSON.stringify(body)}`).toBe(400)
      expect(JSON.stringify(answer.body)).toMatch(says)
    }
    expect((await t.api('GET', '/api/limits')).body).toEqual({ items: [] })
  })

  it('a worker reports a rate limit with rateLimitedMs: the attempt is given back and the type paused', async () => {
    const task = await t.queue.enqueue({ type: 'paid', maxAttempts: 1 })
    const [claim] = await remote.claim({ runnerId: 'w', types: ['paid'] })
    const refused = await t.api('POST', `/api/executions/${claim!.executionId}/fail`, {
      body: { runnerId: 'w', error: { message: '429' }, rateLimitedMs: 0 },
    })
    expect(refused.status).toBe(400)
    const answer = await remote.fail(claim!.executionId, new Error('429'), { rateLimitedMs: 5_000, runnerId: 'w' })
    expect(answer).toMatchObject({ accepted: true, retryAt: expect.any(Number) })
    expect(await t.queue.get(task.id)).toMatchObject({ status: 'pending', attempts: 0, processAfter: answer.retryAt })
    expect(await remote.limits.get('paid')).toMatchObject({ max: null, pausedUntil: answer.retryAt, nextClaimAt: answer.retryAt })
  })
})
