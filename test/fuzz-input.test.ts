import { afterAll, describe, expect, it } from 'vitest'
import { cli, removeTempDataDirs, tempDataDir } from './helpers/cli.js'
import { startServe } from './helpers/host.js'
import { head, memoryQueue, snapshot } from './helpers/queue.js'
import { startTestServer } from './helpers/server.js'

/**
 * Seeded fuzzing of every way in: bad inputs (wrong types, huge/negative/fractional numbers,
 * deep nesting, long strings, unknown fields, bad names and ids) sent through HTTP, the CLI and
 * the library. Every answer must be a 4xx JSON error (a typed error in the library, a non-zero
 * exit from the CLI), the host must stay up, and nothing may be written. The seed is fixed, so a
 * failure replays; each case prints its body in the assertion message.
 */

/** mulberry32: a small deterministic generator. */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const random = rng(17)
const pick = <T>(items: ReadonlyArray<T>): T => items[Math.floor(random() * items.length)] as T

const deep = (depth: number): unknown => {
  let v: unknown = 1
  for (let i = 0; i < depth; i++) v = random() < 0.5 ? [v] : { k: v }
  return v
}

/** Values that are wrong for any field of the given kind. */
const HUGE = [1e20, 1e308, -1e308, 2 ** 63, -1, -0.5, 3.2e12 + 0.5]
const NOT_NUMBERS = ['5', '', null, {}, [], true, [1]]
const NOT_STRINGS = [5, null, {}, [], true]
const BAD_NAMES = ['', ' ', 'a b', '-x', '../x', 'x'.repeat(129), '水', 'a\u0000b']
const bad = {
  ms: () => pick([...HUGE, ...NOT_NUMBERS]),
  int: () => pick([...HUGE, 1.5, ...NOT_NUMBERS]),
  name: () => pick([...BAD_NAMES, ...NOT_STRINGS]),
  json: () => pick([deep(65 + Math.floor(random() * 2000)), { k: deep(100) }]),
  unknownField: () => pick(['prority', 'delayMs', '__proto__x', 'x'.repeat(300), '']),
}

/** Bad enqueue bodies: one field of a valid body made wrong, or an unknown field added. */
const badEnqueue = (): Record<string, unknown> => {
  const body: Record<string, unknown> = { type: 'fuzz' }
  const field = pick([
    'type',
    'priority',
    'delay',
    'runAt',
    'maxAttempts',
    'backoff',
    'timeoutMs',
    'dependsOn',
    'idempotencyKey',
    'queue',
    'tags',
    'metadata',
    'payload',
    'id',
    'unknown',
  ])
  switch (field) {
    case 'type':
    case 'queue':
      body[field] = bad.name()
      break
    case 'priority':
      body.priority = pick([101, -1, 2.5, 'urgent', ...NOT_NUMBERS.filter((v) => v !== '5')])
      break
    case 'delay':
    case 'timeoutMs':
      body[field] = field === 'timeoutMs' ? pick([0, 1e11, ...HUGE, ...NOT_NUMBERS]) : bad.ms()
      break
    case 'runAt':
      body.runAt = pick(['+010000-01-01T00:00:00Z', 'tomorrow', '', 5, '1969-12-31T23:59:59Z', null])
      break
    case 'maxAttempts':
      body.maxAttempts = pick([0, 1001, 1.5, ...HUGE, ...NOT_NUMBERS])
      break
    case 'backoff':
      body.backoff = pick([
        'sometimes',
        { baseMs: bad.ms() },
        { maxMs: pick(HUGE.filter((n) => n > 3.2e12 || n < 0)) },
        { factor: pick([1e300, 101, 0.5, -1, ...NOT_NUMBERS]) },
        { strategy: 'nope' },
        { jitter: 'yes' },
        { extra: 1 },
      ])
      break
    case 'dependsOn':
      body.dependsOn = pick([['no-such-task'], 'x', [5], Array.from({ length: 1001 }, (_, i) => `t${i}`)])
      break
    case 'idempotencyKey':
      body.idempotencyKey = pick(['', 'k'.repeat(257), ...NOT_STRINGS])
      break
    case 'tags':
      body.tags = pick([[''], ['t'.repeat(65)], Array.from({ length: 33 }, () => 't'), 't', [5], null])
      break
    case 'metadata':
      body.metadata = pick([{ m: bad.json() }, { m: 'x'.repeat(70_000) }, 'm', 5, null])
      break
    case 'payload':
      body.payload = random() < 0.7 ? bad.json() : 'x'.repeat(1_100_000)
      break
    case 'id':
      body.id = pick(['', 'a b', 'i'.repeat(129), '水', ...NOT_STRINGS])
      break
    default:
      body[bad.unknownField()] = 1
  }
  return body
}

const badSchedule = (): Record<string, unknown> =>
  pick<Record<string, unknown>>([
    { every: bad.ms(), task: { type: 'fuzz' } },
    { every: pick([999, '1ms', '999999999999d', 'soon']), task: { type: 'fuzz' } },
    { cron: pick(['', '* * *', '61 * * * *', 'x'.repeat(300), 5]), task: { type: 'fuzz' } },
    { cron: '0 3 * * *', timeZone: pick(['Mars/Base', '', 'x'.repeat(100)]), task: { type: 'fuzz' } },
    { every: '1m', task: { ...badEnqueue(), type: 'fuzz', delay: undefined } },
    { every: '1m', task: { type: 'fuzz', delay: 5 } },
    { every: '1m', cron: '0 3 * * *', task: { type: 'fuzz' } },
    { every: '1m', task: { type: 'fuzz', metadata: { m: 'x'.repeat(65_400) } } },
    { every: '1m' },
    { every: '1m', task: { type: 'fuzz' }, catchUp: 'sometimes' },
  ])

type Case = { method: string; route: string; body?: unknown }

/** A few hundred bad requests over every route that takes input. */
const httpCases = (executionId: string, taskId: string): Case[] => {
  const cases: Case[] = []
  const exec = `/api/executions/${executionId}`
  for (let i = 0; i < 90; i++) cases.push({ method: 'POST', route: '/api/tasks', body: badEnqueue() })
  for (let i = 0; i < 35; i++) cases.push({ method: 'POST', route: '/api/tasks/batch', body: { tasks: [{ type: 'fine' }, badEnqueue()] } })
  cases.push({ method: 'POST', route: '/api/tasks/batch', body: { tasks: 'x' } }, { method: 'POST', route: '/api/tasks', body: [] })
  for (let i = 0; i < 20; i++) {
    cases.push({
      method: 'POST',
      route: '/api/claims',
      body: pick<Record<string, unknown>>([
        { runnerId: bad.name() === '' ? '' : pick(['', 'r'.repeat(201), ...NOT_STRINGS]), limit: 1 },
        { runnerId: 'fz', limit: pick([0, 1001, 1.5, ...NOT_NUMBERS]) },
        { runnerId: 'fz', leaseMs: pick([0, 86_400_001, ...HUGE, ...NOT_NUMBERS]) },
        { runnerId: 'fz', waitMs: pick([-1, 30_001, 1e20]) },
        { runnerId: 'fz', types: pick(['x', [5], {}]) },
        { runnerId: 'fz', [bad.unknownField()]: 1 },
      ]),
    })
  }
  for (let i = 0; i < 20; i++) {
    cases.push({
      method: 'POST',
      route: `${exec}/complete`,
      body: pick<unknown>([
        { runnerId: 'fz', result: bad.json() },
        { runnerId: 'fz', result: 'x'.repeat(1_100_000) },
        { runnerId: 'other', result: 1 },
        { result: 1 },
        { runnerId: 'fz', x: 1 },
      ]),
    })
    cases.push({
      method: 'POST',
      route: `${exec}/fail`,
      body: pick<unknown>([
        { runnerId: 'fz', error: { message: 'x' }, retryAfterMs: bad.ms() },
        { runnerId: 'fz', error: 'x' },
        { runnerId: 'fz', error: { message: 5 } },
        { runnerId: 'fz', error: { message: 'x' }, outcome: 'exploded' },
        { runnerId: 'other', error: { message: 'x' } },
        { error: { message: 'x' } },
      ]),
    })
    cases.push({
      method: 'POST',
      route: `${exec}/heartbeat`,
      body: pick<unknown>([{ runnerId: 'fz', leaseMs: pick([0, 86_400_001, ...HUGE, ...NOT_NUMBERS]) }, { runnerId: 'other' }, {}, null, 'x']),
    })
    cases.push({
      method: 'POST',
      route: `${exec}/progress`,
      body: pick<unknown>([
        { runnerId: 'fz', fraction: pick([-0.1, 1.1, 1e308, ...NOT_NUMBERS]) },
        { runnerId: 'fz', fraction: 0.5, message: pick(['m'.repeat(1001), 5, {}]) },
        { runnerId: 'fz', fraction: 0.5, leaseMs: bad.ms() },
        { runnerId: 'other', fraction: 0.5 },
      ]),
    })
    cases.push({
      method: 'POST',
      route: '/api/completions',
      body: pick<unknown>([{ completions: [] }, { completions: [{ executionId: executionId }] }, { completions: 'x' }]),
    })
  }
  for (let i = 0; i < 25; i++) cases.push({ method: 'PUT', route: `/api/schedules/${pick(['ok', 'x'.repeat(200), '-bad'])}`, body: badSchedule() })
  for (let i = 0; i < 15; i++) {
    cases.push({
      method: 'POST',
      route: '/api/prune',
      body: { olderThan: pick(['yesterday', -1, 1e20, 1e308, '999999999999d', '+275760-09-13T00:00:00Z', '', null, {}]) },
    })
  }
  for (let i = 0; i < 15; i++) {
    const id = encodeURIComponent(pick(['no-such-task', 'x'.repeat(300), '水', '%', "'; DROP TABLE workerTasks; --"]))
    cases.push({ method: 'POST', route: `/api/tasks/${id}/${pick(['cancel', 'retry'])}` })
    cases.push({
      method: 'POST',
      route: `/api/executions/${id}/${pick(['complete', 'fail', 'heartbeat', 'cancelled'])}`,
      body: { runnerId: 'fz', error: { message: 'x' } },
    })
  }
  cases.push(
    { method: 'POST', route: `/api/tasks/${taskId}/retry` },
    { method: 'POST', route: '/api/runners/fz/breakers', body: { type: 'x', state: 'open', consecutiveFailures: 1, reopensAt: 1e20 } },
  )
  cases.push({ method: 'POST', route: '/api/runners', body: { runnerId: 'r'.repeat(201), types: [], concurrency: 1 } })
  cases.push({ method: 'POST', route: '/api/runners', body: { runnerId: 'fz', types: ['x'], concurrency: 1e20 } })
  return cases
}

describe('fuzzed bad input', () => {
  afterAll(() => removeTempDataDirs())

  it('through HTTP: every answer is a 4xx JSON error, nothing is written, the server stays up', { timeout: 60_000 }, async () => {
    const t = await startTestServer()
    try {
      await t.queue.enqueue({ type: 'work' })
      const [claim] = await t.queue.claim({ runnerId: 'fz', leaseMs: 3_600_000 })
      await t.api('PUT', '/api/schedules/ok', { body: { every: '1h', task: { type: 'fuzz' } } })
      const before = { head: t.head(), state: JSON.stringify(snapshot(t.queue)) }
      const cases = httpCases(claim!.executionId, claim!.task.id)
      expect(cases.length).toBeGreaterThan(300)
      for (const c of cases) {
        const answer = await t.api(c.method, c.route, c.body === undefined ? {} : { body: c.body })
        const what = `${c.method} ${c.route} ${JSON.stringify(c.body)?.slice(0, 300)} → ${answer.status} ${answer.text.slice(0, 300)}`
        expect(answer.status, what).toBeGreaterThanOrEqual(400)
        expect(answer.status, what).toBeLessThan(500)
        expect(answer.body?.error?._tag, what).toBeTypeOf('string')
        expect(answer.body.error.message, what).toBeTypeOf('string')
      }
      expect(t.head()).toBe(before.head)
      expect(JSON.stringify(snapshot(t.queue))).toBe(before.state)
      expect((await t.api('GET', '/healthz')).status).toBe(200)
      expect((await t.api('POST', '/api/tasks', { body: { type: 'normal' } })).status).toBe(201)
    } finally {
      await t.close()
    }
  })

  it('through the library: every call throws a typed error and writes nothing', async () => {
    const { queue } = await memoryQueue()
    await queue.enqueue({ type: 'work' })
    const [claim] = await queue.claim({ runnerId: 'fz' })
    const before = { head: head(queue), state: JSON.stringify(snapshot(queue)) }
    const calls: Array<() => Promise<unknown>> = []
    for (let i = 0; i < 60; i++) {
      const input = badEnqueue()
      calls.push(
        () => queue.enqueue(input as never),
        () => queue.enqueueMany([{ type: 'fine' }, input as never]),
      )
    }
    for (let i = 0; i < 10; i++) {
      const e = claim!.executionId
      calls.push(
        () => queue.complete(e, pick([bad.json(), () => 1, Symbol('s'), 10n]), { runnerId: 'fz' }),
        () => queue.fail(e, 'x', { retryAfterMs: bad.ms() as number }),
        () => queue.heartbeat(e, { leaseMs: bad.int() as number }),
        () => queue.progress(e, bad.ms() as number),
        () => queue.claim({ runnerId: 'fz', leaseMs: bad.int() as number }),
        () => queue.schedules.set('ok', badSchedule() as never),
        () => queue.prune({ olderThan: pick([1e20, -1, 'soon', '999999999999d', new Date(8.64e15)]) as never }),
        () => queue.recordBreaker({ runnerId: 'fz', type: 'x', state: 'open', consecutiveFailures: 1, reopensAt: pick([1e20, -5, 1.5e300]) }),
        () => queue.complete(e, 1, { runnerId: 'someone-else' }),
      )
    }
    for (const call of calls) {
      const error = await call().then(
        () => undefined,
        (e) => e,
      )
      expect(error?._tag, String(call)).toMatch(/^(ValidationError|NotClaimant|DependencyCycle)$/)
    }
    expect(head(queue)).toBe(before.head)
    expect(JSON.stringify(snapshot(queue))).toBe(before.state)
    await queue.close()
  })

  it('through the CLI against a running host: every command exits non-zero and the host is unchanged', { timeout: 60_000 }, async () => {
    const dir = tempDataDir()
    const host = await startServe(dir, ['--quiet'])
    try {
      const state = async () =>
        JSON.stringify(
          await Promise.all(['/api/tasks?limit=1000', '/api/activity?limit=1000', '/api/schedules'].map(async (r) => (await fetch(host.url + r)).json())),
        )
      const d = ['--data-dir', dir]
      const argv: string[][] = [
        ['enqueue', 'job', '--delay', pick(['999999999999d', '101w0', '-5s', 'soon'])],
        ['enqueue', 'job', '--delay', '5300w'],
        ['enqueue', 'job', '--timeout', '31d'],
        ['enqueue', 'job', '--priority', pick(['101', 'urgent', '2.5'])],
        ['enqueue', 'job', '--max-attempts', pick(['0', '1001', '1e3'])],
        ['enqueue', 'job', '--payload', JSON.stringify(deep(1000))],
        ['enqueue', 'job', '--payload', '{not json'],
        ['enqueue', 'job', '--tag', 't'.repeat(65)],
        ['enqueue', pick(BAD_NAMES.filter((n) => n !== '' && !n.startsWith('-') && !n.includes('\u0000')))],
        ['enqueue', 'job', '--queue', 'a b'],
        ['enqueue', 'job', '--run-at', pick(['tomorrow', '10000-01-01'])],
        ['enqueue', 'job', '--depends-on', 'no-such-task'],
        ['enqueue', 'job', '--key', 'k'.repeat(257)],
        ['enqueue', 'job', '--backoff', 'sometimes'],
        ['schedule', 'set', 'nightly', '--every', '999999999999d', '--type', 'job'],
        ['schedule', 'set', 'nightly', '--every', '10ms', '--type', 'job'],
        ['schedule', 'set', 'nightly', '--cron', '61 * * * *', '--type', 'job'],
        ['prune', '--older-than', pick(['999999999999d', 'soon'])],
        ['cancel', 'no-such-task'],
        ['retry', 'no-such-task'],
        ['show', 'no-such-task'],
        ['list', '--limit', '5000'],
        ['activity', '--since', '-1'],
        ['wait', 'no-such-task', '--timeout', '999999999999d'],
      ]
      const before = await state()
      // Four at a time: each CLI start costs ~1-2 s of CPU on a shared 2-core machine.
      const results: Array<{ args: string[]; code: number; stderr: string }> = []
      for (let i = 0; i < argv.length; i += 4) {
        const batch = argv.slice(i, i + 4)
        results.push(...(await Promise.all(batch.map(async (args) => ({ args, ...(await cli([...args, ...d])) })))))
      }
      for (const r of results) {
        expect(r.code, `${r.args.join(' ')}: ${r.stderr}`).not.toBe(0)
        expect(r.stderr, r.args.join(' ')).toMatch(/\S/)
      }
      expect(await state()).toBe(before)
      expect((await fetch(`${host.url}/healthz`)).status).toBe(200)
    } finally {
      await host.stop()
    }
  })
})
