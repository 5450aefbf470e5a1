import { afterEach, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './helpers/server.js'

/** What the dashboard reads beside the rest of the API: throughput, whoami, activity by kind and paging back, and its own files. */

let t: TestServer
afterEach(async () => {
  await t?.close()
})

const error = new Error('boom')

describe('HTTP API for the dashboard', () => {
  it('GET /api/throughput counts completed and failed executions per minute, every minute present', async () => {
    t = await startTestServer()
    const [a, b, c] = await t.queue.enqueueMany([{ type: 'x' }, { type: 'x', maxAttempts: 2 }, { type: 'x' }])
    const claims = await t.queue.claim({ runnerId: 'r', limit: 3 })
    const exec = new Map(claims.map((cl) => [cl.task.id, cl.executionId]))
    await t.queue.complete(exec.get(a!.id)!)
    await t.queue.complete(exec.get(c!.id)!)
    await t.queue.fail(exec.get(b!.id)!, error) // will be retried: still a failure this minute
    const answer = await t.api('GET', '/api/throughput?minutes=5')
    expect(answer.status).toBe(200)
    expect(answer.body.bucketMs).toBe(60_000)
    expect(answer.body.buckets).toHaveLength(5)
    expect(answer.body.buckets.slice(0, 4).every((x: any) => x.completed === 0 && x.failed === 0)).toBe(true)
    expect(answer.body.buckets[4]).toMatchObject({ completed: 2, failed: 1 })
    expect(answer.body.buckets[4].at % 60_000).toBe(0)
    expect((await t.api('GET', '/api/throughput')).body.buckets).toHaveLength(60)
    for (const bad of ['0', '1441', 'x']) {
      const refused = await t.api('GET', `/api/throughput?minutes=${bad}`)
      expect(refused.status).toBe(400)
      expect(refused.body.error).toMatchObject({ _tag: 'ValidationError', field: 'minutes' })
    }
  })

  it('GET /api/activity filters by kind (one or several) and pages back with before', async () => {
    t = await startTestServer()
    const tasks = await t.queue.enqueueMany([{ type: 'k' }, { type: 'k' }, { type: 'k' }])
    for (const claim of await t.queue.claim({ runnerId: 'r', limit: 3 })) await t.queue.complete(claim.executionId)
    const kinds = async (query: string) => ((await t.api('GET', `/api/activity?${query}`)).body.items as any[]).map((e) => e.kind)
    expect(await kinds('kind=completed')).toEqual(['completed', 'completed', 'completed'])
    expect(new Set(await kinds('kind=queued,started'))).toEqual(new Set(['queued', 'started']))
    const all = (await t.api('GET', '/api/activity?limit=1000')).body.items as any[]
    expect(all).toHaveLength(9)
    const newest = (await t.api('GET', '/api/activity?limit=4')).body.items as any[]
    const older = (await t.api('GET', `/api/activity?limit=4&before=${newest[0].seq}`)).body.items as any[]
    expect([...older, ...newest].map((e) => e.seq)).toEqual(all.slice(1).map((e) => e.seq))
    const bad = await t.api('GET', '/api/activity?kind=completed;drop')
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatchObject({ _tag: 'ValidationError', field: 'kind' })
    const both = await t.api('GET', '/api/activity?since=1&before=5')
    expect(both.body.error).toMatchObject({ _tag: 'ValidationError', field: 'before' })
    expect(tasks).toHaveLength(3)
  })

  it('the SSE stream filters by kind too', async () => {
    t = await startTestServer()
    await t.queue.enqueue({ type: 's' })
    const controller = new AbortController()
    const response = await fetch(`${t.server.url}/api/activity/stream?since=0&kind=started`, { signal: controller.signal })
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    const claim = (await t.queue.claim({ runnerId: 'r' }))[0]!
    let text = ''
    while (!text.includes('event: activity')) text += (await reader.read()).value
    controller.abort()
    expect(text).toContain(`"executionId":"${claim.executionId}"`)
    expect(text).toContain('"kind":"started"')
    expect(text).not.toContain('"kind":"queued"')
  })

  it('GET /api/whoami names the caller and its role', async () => {
    t = await startTestServer()
    expect((await t.api('GET', '/api/whoami')).body).toEqual({ name: null, role: 'admin', tokens: false })
    await t.close()
    t = await startTestServer({ tokens: true })
    expect((await t.api('GET', '/api/whoami', { token: t.tokens.viewer })).body).toEqual({ name: 'viewer', role: 'viewer', tokens: true })
    expect((await t.api('GET', '/api/whoami', { token: t.tokens.producer2 })).body).toEqual({ name: 'producer2', role: 'producer', tokens: true })
    expect((await t.api('GET', '/api/whoami')).status).toBe(401)
  })

  it('serves the dashboard at / (no token needed for the page, which holds no data) with a strict content policy', async () => {
    t = await startTestServer({ tokens: true })
    const page = await fetch(`${t.server.url}/`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'")
    const html = await page.text()
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1]
    expect(script, html).toBeDefined()
    const asset = await fetch(`${t.server.url}${script}`)
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toContain('text/javascript')
    expect(asset.headers.get('cache-control')).toContain('immutable')
    const missing = await t.api('GET', '/assets/nope.js')
    expect(missing.status).toBe(404)
    expect(missing.body.error._tag).toBe('RouteNotFound')
  })
})
