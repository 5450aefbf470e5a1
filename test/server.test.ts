import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startServer, UnsafeBind } from '../src/server/index.js'
import { openQueue } from '../src/taskQueue/openQueue.js'
import { cli, ROOT, tempDataDir } from './helpers/cli.js'
import { startTestServer, type TestServer } from './helpers/server.js'

let t: TestServer
afterEach(async () => {
  await t?.close()
})

const expectErrorBody = (answer: { status: number; body: any }, status: number, tag: string) => {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status)
  expect(answer.body.error._tag).toBe(tag)
  expect(typeof answer.body.error.message).toBe('string')
}

describe('HTTP API: reads and writes', () => {
  it('enqueues (201, then 200 deduplicated), batches, gets, lists, and reads stats, activity, runners and SQL', async () => {
    t = await startTestServer()
    const created = await t.api('POST', '/api/tasks', {
      body: { type: 'mail', payload: { to: 'a' }, priority: 'high', idempotencyKey: 'k1', runAt: '2020-01-01T00:00:00Z' },
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ type: 'mail', priority: 7, status: 'pending', processAfter: Date.parse('2020-01-01T00:00:00Z'), createdBy: null })
    const again = await t.api('POST', '/api/tasks', { body: { type: 'mail', idempotencyKey: 'k1' } })
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ id: created.body.id, deduplicated: true })

    const batch = await t.api('POST', '/api/tasks/batch', {
      body: {
        tasks: [
          { id: 'a', type: 'step' },
          { type: 'report', dependsOn: ['a'], tags: ['x'] },
        ],
      },
    })
    expect(batch.status).toBe(201)
    expect(batch.body.items.map((i: any) => i.type)).toEqual(['step', 'report'])

    const got = await t.api('GET', `/api/tasks/${created.body.id}`)
    expect(got.body).toMatchObject({ id: created.body.id, executions: [] })
    const page = await t.api('GET', '/api/tasks?limit=2')
    expect(page.body.items).toHaveLength(2)
    expect(typeof page.body.nextCursor).toBe('string')
    const next = await t.api('GET', `/api/tasks?limit=2&cursor=${page.body.nextCursor}`)
    expect(next.body).toMatchObject({ items: [{ type: 'mail' }], nextCursor: null })
    expect((await t.api('GET', '/api/tasks?tag=x&status=pending')).body.items.map((i: any) => i.type)).toEqual(['report'])

    expect((await t.api('GET', '/api/stats')).body.byStatus.pending).toBe(3)
    const activity = await t.api('GET', '/api/activity?since=0&limit=10')
    expect(activity.body.items.map((a: any) => a.kind)).toEqual(['queued', 'queued', 'queued'])
    expect((await t.api('GET', '/api/runners')).body).toEqual({ items: [] })
    const rows = await t.api('POST', '/api/query', { body: { sql: 'SELECT type FROM workerTasks ORDER BY type' } })
    expect(rows.body).toEqual({ rows: [{ type: 'mail' }, { type: 'report' }, { type: 'step' }], truncated: false })
  })

  it('drives an execution the way a remote worker does: register, claim, heartbeat, progress, complete, fail, cancel, escalate', async () => {
    t = await startTestServer()
    expect((await t.api('POST', '/api/runners', { body: { runnerId: 'r1', types: ['job'], concurrency: 2 } })).body).toEqual({ ok: true })
    await t.api('POST', '/api/tasks/batch', { body: { tasks: [{ type: 'job' }, { type: 'job', maxAttempts: 1 }, { type: 'job' }] } })
    const claimed = await t.api('POST', '/api/claims', { body: { runnerId: 'r1', types: ['job'], limit: 3, leaseMs: 60_000 } })
    const [a, b, c] = claimed.body.claims
    expect(claimed.body.claims).toHaveLength(3)
    expect((await t.api('POST', `/api/executions/${a.executionId}/heartbeat`, { body: { runnerId: 'r1' } })).body).toMatchObject({
      accepted: true,
      cancelRequested: false,
    })
    expect((await t.api('POST', `/api/executions/${a.executionId}/progress`, { body: { runnerId: 'r1', fraction: 0.5, message: 'half' } })).body.accepted).toBe(
      true,
    )
    expect((await t.api('POST', `/api/executions/${a.executionId}/complete`, { body: { runnerId: 'r1', result: { n: 1 } } })).body.accepted).toBe(true)
    expect((await t.queue.get(a.task.id)).result).toEqual({ n: 1 })

    const failed = await t.api('POST', `/api/executions/${b.executionId}/fail`, {
      body: { runnerId: 'r1', error: { type: 'Boom', message: 'no' }, permanent: true },
    })
    expect(failed.body).toMatchObject({ accepted: true, retryAt: null })
    const escalated = await t.api('POST', `/api/tasks/${b.task.id}/escalate`, {
      body: { executionId: b.executionId, toType: 'human', reason: 'failure', error: { message: 'no' } },
    })
    expect(escalated.body).toMatchObject({ type: 'human', escalatedFrom: b.task.id })

    expect((await t.api('POST', `/api/tasks/${c.task.id}/cancel`)).body.cancelRequested).toBe(true)
    expect((await t.api('POST', `/api/executions/${c.executionId}/cancelled`)).body).toEqual({ ok: true })
    expect((await t.queue.get(c.task.id)).status).toBe('cancelled')
    const retried = await t.api('POST', `/api/tasks/${c.task.id}/retry`)
    expect(retried.body.status).toBe('pending')

    await t.api('POST', '/api/runners/r1/breakers', { body: { type: 'job', state: 'open', consecutiveFailures: 5, reopensAt: Date.now() + 1000 } })
    expect((await t.api('POST', '/api/runners/r1/heartbeat')).body).toEqual({ ok: true })
    expect((await t.api('POST', '/api/runners/r1/stopped')).body).toEqual({ ok: true })
    expect((await t.api('GET', '/api/runners')).body.items).toMatchObject([{ id: 'r1', status: 'stopped' }])

    expect((await t.api('POST', '/api/queues/bulk/pause')).body).toEqual({ queue: 'bulk', paused: true })
    expect((await t.api('POST', '/api/queues/bulk/resume')).body).toEqual({ queue: 'bulk', paused: false })
    expect((await t.api('POST', '/api/prune', { body: { olderThan: 0 } })).body.pruned).toBe(2)
    expect((await t.api('POST', '/api/requeue-stuck')).body).toEqual({ taskIds: [] })
    const metrics = (await t.api('GET', '/metrics')).text
    expect(metrics).toContain('livequeue_claims_total 3')
    expect(metrics).toContain('livequeue_completions_total 1')
    expect(metrics).toContain('livequeue_failures_total 1')
    expect(metrics).toContain('livequeue_pickup_latency_seconds_count 3')
    expect(metrics).toMatch(/livequeue_tasks\{status="pending",queue="default"\} \d+/)
  })

  it('GET /api/tasks/{id}/wait answers once the task ends, and 408 after timeoutMs', async () => {
    t = await startTestServer()
    const task = await t.queue.enqueue({ type: 'w' })
    expectErrorBody(await t.api('GET', `/api/tasks/${task.id}/wait?timeoutMs=50`), 408, 'WaitTimedOut')
    const waiting = t.api('GET', `/api/tasks/${task.id}/wait?timeoutMs=5000`)
    await t.queue.cancel(task.id)
    expect((await waiting).body).toMatchObject({ id: task.id, status: 'cancelled' })
  })
})

describe('HTTP API: bad input is 4xx with the JSON error body, and nothing is written', () => {
  const cases: Array<[string, string, string, number, string, { body?: unknown; raw?: string }]> = [
    ['malformed JSON', 'POST', '/api/tasks', 400, 'ValidationError', { raw: '{"type": ' }],
    ['wrong type', 'POST', '/api/tasks', 400, 'ValidationError', { body: { type: 5 } }],
    ['unknown field', 'POST', '/api/tasks', 400, 'ValidationError', { body: { type: 'x', priorty: 'high' } }],
    ['bad priority', 'POST', '/api/tasks', 400, 'ValidationError', { body: { type: 'x', priority: 'urgent' } }],
    ['bad runAt', 'POST', '/api/tasks', 400, 'ValidationError', { body: { type: 'x', runAt: 'tomorrow' } }],
    ['delay and runAt', 'POST', '/api/tasks', 400, 'ValidationError', { body: { type: 'x', delay: 5, runAt: '2030-01-01T00:00:00Z' } }],
    ['unknown dependency', 'POST', '/api/tasks', 400, 'ValidationError', { body: { type: 'x', dependsOn: ['nope'] } }],
    [
      'a cycle',
      'POST',
      '/api/tasks/batch',
      422,
      'DependencyCycle',
      {
        body: {
          tasks: [
            { id: 'a', type: 'x', dependsOn: ['b'] },
            { id: 'b', type: 'x', dependsOn: ['a'] },
          ],
        },
      },
    ],
    ['payload over the cap', 'POST', '/api/tasks', 413, 'ValidationError', { body: { type: 'x', payload: 'y'.repeat(1_200_000) } }],
    ['body over the limit', 'POST', '/api/tasks', 413, 'ValidationError', { body: { type: 'x', payload: 'y'.repeat(3 * 1024 * 1024) } }],
    ['limit out of range', 'GET', '/api/tasks?limit=0', 400, 'ValidationError', {}],
    ['unknown status', 'GET', '/api/tasks?status=done', 400, 'ValidationError', {}],
    ['unknown query parameter', 'GET', '/api/tasks?colour=red', 400, 'ValidationError', {}],
    ['repeated query parameter', 'GET', '/api/activity?since=1&since=2', 400, 'ValidationError', {}],
    ['unknown task', 'GET', '/api/tasks/nope', 404, 'TaskNotFound', {}],
    ['cancel an unknown task', 'POST', '/api/tasks/nope/cancel', 404, 'TaskNotFound', {}],
    ['cancel a cancelled task', 'POST', '/api/tasks/CANCELLED/cancel', 409, 'InvalidTransition', {}],
    ['retry a pending task', 'POST', '/api/tasks/PENDING/retry', 409, 'InvalidTransition', {}],
    ['unknown execution', 'POST', '/api/executions/nope/heartbeat', 404, 'ExecutionNotFound', { body: { runnerId: 'r' } }],
    ['a report without its runner', 'POST', '/api/executions/nope/heartbeat', 400, 'ValidationError', { body: {} }],
    ['progress out of range', 'POST', '/api/executions/nope/progress', 400, 'ValidationError', { body: { runnerId: 'r', fraction: 2 } }],
    ['fail without an error', 'POST', '/api/executions/nope/fail', 400, 'ValidationError', { body: { runnerId: 'r', permanent: true } }],
    ['claim without a runner', 'POST', '/api/claims', 400, 'ValidationError', { body: { runnerId: '' } }],
    ['claim waiting too long', 'POST', '/api/claims', 400, 'ValidationError', { body: { runnerId: 'r', waitMs: 60_000 } }],
    ['writing SQL', 'POST', '/api/query', 400, 'ValidationError', { body: { sql: 'DELETE FROM workerTasks' } }],
    ['prune cutoff', 'POST', '/api/prune', 400, 'ValidationError', { body: { olderThan: 'soon' } }],
    ['bad queue name', 'POST', '/api/queues/%20bad/pause', 400, 'ValidationError', {}],
    ['unknown route', 'GET', '/api/nope', 404, 'RouteNotFound', {}],
    ['wrong method', 'DELETE', '/api/tasks', 404, 'RouteNotFound', {}],
  ]

  it.each(cases)('%s: %s %s answers %i %s', async (_, method, route, status, tag, init) => {
    t = await startTestServer()
    const pending = await t.queue.enqueue({ type: 'x', id: 'PENDING' })
    await t.queue.enqueue({ type: 'x', id: 'CANCELLED' })
    await t.queue.cancel('CANCELLED')
    const before = t.head()
    const answer = await t.api(method, route, init)
    expectErrorBody(answer, status, tag)
    expect(answer.headers.get('content-type')).toContain('application/json')
    expect(t.head()).toBe(before)
    expect((await t.queue.get(pending.id)).status).toBe('pending')
  })

  it('an error body carries the library error fields', async () => {
    t = await startTestServer()
    const answer = await t.api('POST', '/api/tasks', { body: { type: 'x', priority: 'urgent' } })
    expect(answer.body.error).toMatchObject({ _tag: 'ValidationError', field: 'priority' })
    const missing = await t.api('GET', '/api/tasks/nope')
    expect(missing.body.error).toMatchObject({ _tag: 'TaskNotFound', taskId: 'nope' })
  })
})

describe('HTTP server: system routes, documents, binding', () => {
  it('/healthz, /readyz (503 until ready), /metrics', async () => {
    t = await startTestServer({ ready: false })
    expect((await t.api('GET', '/healthz')).body).toEqual({ ok: true })
    const starting = await t.api('GET', '/readyz')
    expect(starting.status).toBe(503)
    expect(starting.body).toMatchObject({ ready: false, state: 'starting', error: { _tag: 'NotReady' } })
    t.server.ready()
    expect(await t.api('GET', '/readyz')).toMatchObject({ status: 200, body: { ready: true } })
    const metrics = await t.api('GET', '/metrics')
    expect(metrics.headers.get('content-type')).toContain('text/plain')
    for (const name of ['livequeue_claims_total', 'livequeue_completions_total', 'livequeue_failures_total', 'livequeue_pickup_latency_seconds_bucket']) {
      expect(metrics.text).toContain(name)
    }
  })

  it('the OpenAPI document lists every route of docs/http-api.md, and /api/docs embeds its viewer (no CDN)', async () => {
    t = await startTestServer()
    const spec = (await t.api('GET', '/api/openapi.json')).body
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'http-api.md'), 'utf8')
    const routes = new Set<string>()
    for (const m of doc.matchAll(/\b(GET|POST|PUT|DELETE)\s+(\/[\w/{}.-]+)/g)) routes.add(`${m[1]} ${m[2]}`)
    routes.add('POST /api/queues/{name}/resume') // written "…/pause | /resume"
    routes.add('POST /api/schedules/{name}/resume')
    expect(routes.size).toBeGreaterThan(25)
    const documented = new Set(Object.entries(spec.paths).flatMap(([p, ops]) => Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${p}`)))
    expect([...routes].filter((r) => !documented.has(r))).toEqual([])
    expect(spec.paths['/api/activity/stream'].get.responses['200'].content).toHaveProperty('text/event-stream')
    expect(spec.components.securitySchemes).toHaveProperty('bearer')
    expect(spec.info).toMatchObject({ title: 'livequeue', version: JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version })
    const docs = await t.api('GET', '/api/docs')
    expect(docs.status).toBe(200)
    expect(docs.text).toContain('<script id="api-reference"')
    expect(docs.text).not.toMatch(/<script src="https?:/)
    // Scalar's default fonts load from fonts.scalar.com: off, so the page works offline
    expect(docs.text).toContain('"withDefaultFonts":false')
  })

  it('refuses a non-loopback address without tokens, in the library and in `livequeue serve` (exit 1)', async () => {
    const queue = await openQueue({ inMemory: true })
    await expect(startServer({ queue, host: '0.0.0.0', port: 0 })).rejects.toBeInstanceOf(UnsafeBind)
    await queue.close()
    const dataDir = tempDataDir()
    const result = await cli(['serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/refusing to serve on 0\.0\.0\.0 without tokens/)
    expect(fs.existsSync(path.join(dataDir, 'livequeue.lock'))).toBe(false)
  })
})
