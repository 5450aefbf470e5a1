import * as fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ACCESS, type Access } from '../src/auth/roles.js'
import { cli } from './helpers/cli.js'
import { startTestServer, type TestServer } from './helpers/server.js'

/** Fresh tasks for one request: a pending and a failed task owned by `owner`, and a running execution. */
type Fixture = { pending: string; failed: string; taskId: string; executionId: string; schedule: string }

type Route = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: (f: Fixture) => string
  access: Access | 'open'
  body?: (f: Fixture) => unknown
  /** The success status. (Default: 200) */
  ok?: number
}

const error = { type: 'Boom', message: 'no' }
const ROUTES: Route[] = [
  { method: 'GET', path: () => '/api/tasks', access: 'read' },
  { method: 'GET', path: (f) => `/api/tasks/${f.pending}`, access: 'read' },
  { method: 'GET', path: (f) => `/api/tasks/${f.failed}/wait?timeoutMs=1000`, access: 'read' },
  { method: 'GET', path: () => '/api/stats', access: 'read' },
  { method: 'GET', path: () => '/api/activity?limit=5', access: 'read' },
  { method: 'GET', path: () => '/api/activity/stream', access: 'read' },
  { method: 'GET', path: () => '/api/runners', access: 'read' },
  { method: 'GET', path: () => '/api/throughput?minutes=5', access: 'read' },
  { method: 'GET', path: () => '/api/whoami', access: 'read' },
  { method: 'POST', path: () => '/api/query', access: 'read', body: () => ({ sql: 'SELECT 1 AS one' }) },
  { method: 'GET', path: () => '/metrics', access: 'read' },
  { method: 'POST', path: () => '/api/tasks', access: 'produce', body: () => ({ type: 'new' }), ok: 201 },
  { method: 'POST', path: () => '/api/tasks/batch', access: 'produce', body: () => ({ tasks: [{ type: 'new' }] }), ok: 201 },
  { method: 'POST', path: (f) => `/api/tasks/${f.pending}/cancel`, access: 'produce' },
  { method: 'POST', path: (f) => `/api/tasks/${f.failed}/retry`, access: 'produce' },
  { method: 'POST', path: () => '/api/prune', access: 'admin', body: () => ({ olderThan: '7d' }) },
  { method: 'POST', path: () => '/api/queues/q1/pause', access: 'admin' },
  { method: 'POST', path: () => '/api/queues/q1/resume', access: 'admin' },
  { method: 'POST', path: () => '/api/requeue-stuck', access: 'admin' },
  { method: 'GET', path: () => '/api/schedules', access: 'read' },
  { method: 'GET', path: () => '/api/schedules/fixture', access: 'read' },
  { method: 'PUT', path: () => '/api/schedules/made', access: 'admin', body: () => ({ cron: '0 3 * * *', task: { type: 'report' } }) },
  { method: 'POST', path: () => '/api/schedules/fixture/pause', access: 'admin' },
  { method: 'POST', path: () => '/api/schedules/fixture/resume', access: 'admin' },
  { method: 'DELETE', path: (f) => `/api/schedules/${f.schedule}`, access: 'admin' },
  { method: 'GET', path: () => '/api/limits', access: 'read' },
  { method: 'PUT', path: () => '/api/limits/type/llm', access: 'admin', body: () => ({ max: 10, perMs: 60_000 }) },
  { method: 'DELETE', path: () => '/api/limits/queue/openai', access: 'admin' },
  { method: 'POST', path: () => '/api/claims', access: 'work', body: () => ({ runnerId: 'r', types: ['none'], waitMs: 0 }) },
  { method: 'POST', path: (f) => `/api/executions/${f.executionId}/heartbeat`, access: 'work', body: () => ({ runnerId: 'fx', leaseMs: 60_000 }) },
  { method: 'POST', path: (f) => `/api/executions/${f.executionId}/progress`, access: 'work', body: () => ({ runnerId: 'fx', fraction: 0.5 }) },
  { method: 'POST', path: (f) => `/api/executions/${f.executionId}/complete`, access: 'work', body: () => ({ runnerId: 'fx', result: 1 }) },
  {
    method: 'POST',
    path: () => '/api/completions',
    access: 'work',
    body: (f) => ({ completions: [{ executionId: f.executionId, runnerId: 'fx', result: 1 }] }),
  },
  { method: 'POST', path: (f) => `/api/executions/${f.executionId}/fail`, access: 'work', body: () => ({ runnerId: 'fx', error }) },
  { method: 'POST', path: (f) => `/api/executions/${f.executionId}/cancelled`, access: 'work' },
  {
    method: 'POST',
    path: (f) => `/api/tasks/${f.taskId}/escalate`,
    access: 'work',
    body: (f) => ({ executionId: f.executionId, toType: 'human', reason: 'failure', error }),
  },
  { method: 'POST', path: () => '/api/runners', access: 'work', body: () => ({ runnerId: 'r', types: ['x'], concurrency: 1 }) },
  { method: 'POST', path: () => '/api/runners/r/heartbeat', access: 'work' },
  { method: 'POST', path: () => '/api/runners/r/stopped', access: 'work' },
  {
    method: 'POST',
    path: () => '/api/runners/r/breakers',
    access: 'work',
    body: () => ({ type: 'x', state: 'open', consecutiveFailures: 5, reopensAt: null }),
  },
  { method: 'GET', path: () => '/healthz', access: 'open' },
  { method: 'GET', path: () => '/readyz', access: 'open' },
  { method: 'GET', path: () => '/api/openapi.json', access: 'open' },
  { method: 'GET', path: () => '/api/docs', access: 'open' },
  { method: 'GET', path: () => '/', access: 'open' },
]

const CALLERS = ['no token', 'bad token', 'viewer', 'producer', 'worker', 'admin'] as const
type Caller = (typeof CALLERS)[number]

const expected = (route: Route, caller: Caller): number => {
  if (route.access === 'open') return 200
  if (caller === 'no token' || caller === 'bad token') return 401
  return (ACCESS[route.access] as ReadonlyArray<string>).includes(caller) ? (route.ok ?? 200) : 403
}

let t: TestServer
beforeAll(async () => {
  t = await startTestServer({ tokens: true })
})
afterAll(async () => {
  await t.close()
})

let fixtures = 0
const fixture = async (owner: string): Promise<Fixture> => {
  // Types of its own, so the claim below cannot take another fixture's leftovers.
  const n = ++fixtures
  const [pending, failed, running] = await t.queue.enqueueMany([{ type: 'fx' }, { type: `fx-fail-${n}`, maxAttempts: 1 }, { type: `fx-run-${n}` }], {
    createdBy: owner,
  })
  const claims = await t.queue.claim({ runnerId: 'fx', types: [`fx-fail-${n}`, `fx-run-${n}`], limit: 2 })
  const byTask = new Map(claims.map((c) => [c.task.id, c.executionId]))
  await t.queue.fail(byTask.get(failed!.id)!, error, { permanent: true })
  await t.queue.schedules.set('fixture', { every: '1h', task: { type: 'fx-scheduled' } })
  await t.queue.schedules.set(`fx-${n}`, { every: '1h', task: { type: 'fx-scheduled' } })
  return { pending: pending!.id, failed: failed!.id, taskId: running!.id, executionId: byTask.get(running!.id)!, schedule: `fx-${n}` }
}

const call = async (route: Route, caller: Caller, f: Fixture) => {
  const headers: Record<string, string> = {}
  if (caller === 'bad token') headers.authorization = 'Bearer lq_not-a-token'
  else if (caller !== 'no token') headers.authorization = `Bearer ${t.tokens[caller]}`
  const body = route.body?.(f)
  if (body !== undefined) headers['content-type'] = 'application/json'
  const controller = new AbortController()
  const response = await fetch(t.url + route.path(f), {
    method: route.method,
    headers,
    signal: controller.signal,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const type = response.headers.get('content-type') ?? ''
  // An SSE stream never ends by itself: its headers are the answer.
  const json: any = type.includes('event-stream') ? null : type.includes('json') ? await response.json() : await response.text()
  controller.abort()
  return { status: response.status, json, type }
}

describe('every route × every caller', () => {
  it.each(
    ROUTES.map((r) => [`${r.method} ${r.path({ pending: '{id}', failed: '{id}', taskId: '{id}', executionId: '{id}', schedule: '{name}' })}`, r] as const),
  )('%s', async (_, route) => {
    for (const caller of CALLERS) {
      const want = expected(route, caller)
      const f = await fixture(caller === 'producer' ? 'producer' : 'someone')
      const before = t.head()
      const answer = await call(route, caller, f)
      expect(answer.status, `${caller}: ${JSON.stringify(answer.json)}`).toBe(want)
      if (want === 401 || want === 403) {
        expect(answer.json.error._tag).toBe(want === 401 ? 'Unauthorized' : 'Forbidden')
        expect(typeof answer.json.error.message).toBe('string')
        expect(t.head(), `${caller} wrote something`).toBe(before)
      }
      if (route.path(f).includes('/stream') && want === 200) expect(answer.type).toContain('text/event-stream')
    }
  })

  it('refuses other schemes and malformed headers with 401', async () => {
    for (const authorization of [`Basic ${t.tokens.admin}`, t.tokens.admin, 'Bearer', `Bearer ${t.tokens.admin}x`]) {
      const answer = await t.api('GET', '/api/stats', { headers: { authorization } })
      expect(answer.status, authorization).toBe(401)
    }
  })
})

describe('producers and their tasks', () => {
  it('records the token name as createdBy; a producer cancels and retries its own tasks, not another producer’s', async () => {
    const own = await t.api('POST', '/api/tasks', { body: { type: 'mine' }, token: t.tokens.producer })
    expect(own.body.createdBy).toBe('producer')
    const batch = await t.api('POST', '/api/tasks/batch', { body: { tasks: [{ type: 'mine' }] }, token: t.tokens.producer2 })
    expect(batch.body.items[0].createdBy).toBe('producer2')
    const theirs = batch.body.items[0].id

    const before = t.head()
    const refused = await t.api('POST', `/api/tasks/${theirs}/cancel`, { token: t.tokens.producer })
    expect(refused.status).toBe(403)
    expect(refused.body.error).toMatchObject({ _tag: 'Forbidden' })
    expect(refused.body.error.message).toContain('producer2')
    expect(t.head()).toBe(before)
    expect((await t.queue.get(theirs)).status).toBe('pending')

    expect((await t.api('POST', `/api/tasks/${own.body.id}/cancel`, { token: t.tokens.producer })).body.status).toBe('cancelled')
    expect((await t.api('POST', `/api/tasks/${own.body.id}/retry`, { token: t.tokens.producer })).body.status).toBe('pending')
    await t.queue.cancel(theirs)
    expect((await t.api('POST', `/api/tasks/${theirs}/retry`, { token: t.tokens.producer })).status).toBe(403)
    expect((await t.api('POST', `/api/tasks/${theirs}/retry`, { token: t.tokens.admin })).body.status).toBe('pending')
    // An unknown id is still a 404 for a producer, not a 403.
    expect((await t.api('POST', '/api/tasks/nope/cancel', { token: t.tokens.producer })).status).toBe(404)
  })
})

describe('livequeue token create / list / revoke against a running server', () => {
  it('creates a working token, lists it, and a revoked token gets 401 at once', async () => {
    const s = await startTestServer() // no tokens yet: open on loopback
    try {
      expect((await s.api('GET', '/api/stats')).status).toBe(200)
      const created = await cli(['token', 'create', '--role', 'viewer', '--name', 'dash', '--data-dir', s.dir, '--json'])
      expect(created.code, created.stderr).toBe(0)
      const { token, name, role } = JSON.parse(created.stdout)
      expect({ name, role }).toEqual({ name: 'dash', role: 'viewer' })
      expect(token).toMatch(/^lq_[A-Za-z0-9_-]{43}$/)

      const file = fs.readFileSync(s.tokensFile, 'utf8')
      expect(file).not.toContain(token)
      expect(fs.statSync(s.tokensFile).mode & 0o777).toBe(0o600)

      // Tokens now exist: the server wants one.
      expect((await s.api('GET', '/api/stats')).status).toBe(401)
      expect((await s.api('GET', '/api/stats', { token })).status).toBe(200)
      expect((await s.api('POST', '/api/tasks', { token, body: { type: 'x' } })).status).toBe(403)

      const listed = await cli(['token', 'list', '--data-dir', s.dir, '--json'])
      expect(JSON.parse(listed.stdout)).toMatchObject([{ name: 'dash', role: 'viewer' }])
      expect(listed.stdout).not.toContain(token)
      const human = await cli(['token', 'list', '--data-dir', s.dir])
      expect(human.stdout).toMatch(/dash\s+viewer/)

      const duplicate = await cli(['token', 'create', '--role', 'admin', '--name', 'dash', '--data-dir', s.dir])
      expect(duplicate.code).toBe(1)
      expect(duplicate.stderr).toContain('exists')

      const revoked = await cli(['token', 'revoke', 'dash', '--data-dir', s.dir])
      expect(revoked.code, revoked.stderr).toBe(0)
      const refused = await s.api('GET', '/api/stats', { token })
      expect(refused.status).toBe(401)
      expect(refused.body.error._tag).toBe('Unauthorized')
      expect((await cli(['token', 'revoke', 'dash', '--data-dir', s.dir])).code).toBe(1)
    } finally {
      await s.close()
    }
  })
})
