import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { events } from '../events/index.js'
import { LATEST_TIME_MS, MAX_JSON_DEPTH } from '../src/limits.js'
import { openQueue } from '../src/taskQueue/openQueue.js'
import { cli, removeTempDataDirs, tempDataDir } from './helpers/cli.js'
import { startServe } from './helpers/host.js'
import { expectRefused, memoryQueue, queuedTask, until } from './helpers/queue.js'

/**
 * Issue 17's measured failures, reproduced from outside against a real host process (and the
 * CLI where it applies): each bad input is a 4xx with a JSON body naming the field and its bound,
 * the host stays up, nothing is written. And a data dir that already holds an absurd backoff
 * (what an old version let in) is reaped with a bounded retry time instead of crashing the host.
 */

const TIMEOUT = 180_000

/** A JSON value `depth` levels of arrays deep. */
const nested = (depth: number): unknown => {
  let v: unknown = 0
  for (let i = 0; i < depth; i++) v = [v]
  return v
}

type Host = Awaited<ReturnType<typeof startServe>>

const http = async (host: Host, method: string, route: string, body?: unknown) => {
  const response = await fetch(host.url + route, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })
  const text = await response.text()
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, body: json, text }
}

/** What the host holds, read through its API (stats without the age, which moves with the clock). */
const state = async (host: Host) => {
  const list = (await http(host, 'GET', '/api/tasks?limit=1000')).body
  const { oldestPendingAgeMs: _, unhandledTypes: _unhandled, ...stats } = (await http(host, 'GET', '/api/stats')).body
  const activity = (await http(host, 'GET', '/api/activity?limit=1000')).body
  return JSON.stringify({ list, stats, activity })
}

/** The host answers, and a normal enqueue still works. */
const expectUp = async (host: Host) => {
  expect((await http(host, 'GET', '/healthz')).status).toBe(200)
  expect((await http(host, 'POST', '/api/tasks', { type: 'normal' })).status).toBe(201)
  expect(host.child.exitCode).toBeNull()
}

/** Sends a bad request: 4xx, a JSON error naming `field` (null: an error with no field) and saying `bound`, and nothing written. */
const refused = async (host: Host, method: string, route: string, body: unknown, field: string | null, bound: RegExp) => {
  const before = await state(host)
  const answer = await http(host, method, route, body)
  expect(answer.status, answer.text).toBeGreaterThanOrEqual(400)
  expect(answer.status, answer.text).toBeLessThan(500)
  expect(answer.body?.error?._tag, answer.text).toBeTypeOf('string')
  if (field !== null) expect(answer.body.error.field).toBe(field)
  expect(answer.body.error.message).toMatch(bound)
  expect(await state(host)).toBe(before)
  return answer
}

describe('issue 17: input that used to take the host down', () => {
  let dir: string
  let host: Host
  const d = () => ['--data-dir', dir]

  beforeAll(async () => {
    dir = tempDataDir()
    host = await startServe(dir, ['--quiet'])
  }, TIMEOUT)
  afterAll(async () => {
    await host?.stop()
    removeTempDataDirs()
  })

  it('1. a delay past 100 years (1e20, 1e308; --delay 999999999999d) is refused, over HTTP and by the CLI', { timeout: TIMEOUT }, async () => {
    await http(host, 'POST', '/api/tasks', { type: 'seed' })
    for (const delay of [1e20, 1e308, 3_155_760_000_001]) {
      await refused(host, 'POST', '/api/tasks', { type: 'job', delay }, 'delay', /at most 3155760000000 \(100 years\)/)
    }
    await refused(host, 'POST', '/api/tasks', { type: 'job', runAt: '+010000-01-01T00:00:00Z' }, 'runAt', /9999-12-31/)
    await refused(host, 'POST', '/api/tasks/batch', { tasks: [{ type: 'ok' }, { type: 'job', delay: 1e20 }] }, 'tasks.1.delay', /100 years/)
    const before = await state(host)
    const viaCli = await cli(['enqueue', 'job', '--delay', '999999999999d', ...d()])
    expect(viaCli.code).not.toBe(0)
    expect(viaCli.stderr).toMatch(/--delay.*over the 3155760000000-ms cap \(100 years\)/)
    expect(await state(host)).toBe(before)
    await expectUp(host)
  })

  it('2. a backoff or retryAfterMs that overflows a retry time is refused; a worker from another runner cannot report', { timeout: TIMEOUT }, async () => {
    const bound = /from 0 to 3155760000000 \(100 years\)/
    await refused(host, 'POST', '/api/tasks', { type: 'job', backoff: { strategy: 'fixed', baseMs: 1e300, maxMs: 1e300 } }, 'backoff.baseMs', bound)
    await refused(host, 'POST', '/api/tasks', { type: 'job', backoff: { maxMs: 1e300 } }, 'backoff.maxMs', bound)
    await refused(host, 'POST', '/api/tasks', { type: 'job', backoff: { baseMs: 0, factor: 1e300 } }, 'backoff.factor', /from 1 to 100/)

    expect((await http(host, 'POST', '/api/tasks', { type: 'fails', maxAttempts: 5 })).status).toBe(201)
    const [claim] = (await http(host, 'POST', '/api/claims', { runnerId: 'r1', types: ['fails'], leaseMs: 60_000 })).body.claims
    const route = `/api/executions/${claim.executionId}`
    await refused(host, 'POST', `${route}/fail`, { runnerId: 'r1', error: { message: 'x' }, retryAfterMs: 1e20 }, 'retryAfterMs', bound)
    await refused(host, 'POST', `${route}/heartbeat`, { runnerId: 'r1', leaseMs: 1e20 }, 'leaseMs', /1–86400000/)
    // Another runner's reports: 409 NotClaimant, and the claim is untouched.
    for (const [what, body] of [
      ['complete', { runnerId: 'r2', result: 'stolen' }],
      ['fail', { runnerId: 'r2', error: { message: 'x' } }],
      ['heartbeat', { runnerId: 'r2' }],
      ['progress', { runnerId: 'r2', fraction: 0.5 }],
    ] as const) {
      const answer = await refused(host, 'POST', `${route}/${what}`, body, null, /claimed by runner r1, not r2/)
      expect(answer.status).toBe(409)
      expect(answer.body.error).toMatchObject({ _tag: 'NotClaimant', executionId: claim.executionId, runnerId: 'r2', claimedBy: 'r1' })
    }
    const stolen = await http(host, 'POST', '/api/completions', { completions: [{ executionId: claim.executionId, runnerId: 'r2' }] })
    expect(stolen.body.results[0].error._tag).toBe('NotClaimant')
    expect((await http(host, 'POST', `${route}/complete`, { runnerId: 'r1', result: 'mine' })).body.accepted).toBe(true)
    await expectUp(host)
  })

  it("the claiming runner's own late completion, after its lease expired, is still recorded as ignored", { timeout: TIMEOUT }, async () => {
    expect((await http(host, 'POST', '/api/tasks', { type: 'late' })).status).toBe(201)
    const [claim] = (await http(host, 'POST', '/api/claims', { runnerId: 'r1', types: ['late'], leaseMs: 1 })).body.claims
    await until('the reaper put the task back', async () => (await http(host, 'GET', `/api/tasks/${claim.task.id}`)).body.status === 'pending')
    const late = await http(host, 'POST', `/api/executions/${claim.executionId}/complete`, { runnerId: 'r1', result: 1 })
    expect(late.body).toMatchObject({ accepted: false })
    const kinds = (await http(host, 'GET', `/api/activity?taskId=${claim.task.id}`)).body.items.map((a: { kind: string }) => a.kind)
    expect(kinds).toContain('completion-ignored')
  })

  it('3. a payload or result nested 1000 levels deep is refused; at the limit it is stored', { timeout: TIMEOUT }, async () => {
    await refused(host, 'POST', '/api/tasks', { type: 'job', payload: nested(1000) }, 'payload', /1000 levels deep; at most 64/)
    await refused(host, 'POST', '/api/tasks', { type: 'job', metadata: { m: nested(1000) } }, 'metadata', /at most 64/)
    await refused(host, 'POST', '/api/tasks', { type: 'job', metadata: { m: 'x'.repeat(1_500_000) } }, 'metadata', /over the 65536-byte cap/)
    const atLimit = await http(host, 'POST', '/api/tasks', { type: 'deep', payload: nested(MAX_JSON_DEPTH) })
    expect(atLimit.status).toBe(201)
    expect((await http(host, 'GET', `/api/tasks/${atLimit.body.id}`)).body.payload).toEqual(nested(MAX_JSON_DEPTH))

    const [claim] = (await http(host, 'POST', '/api/claims', { runnerId: 'r1', types: ['deep'] })).body.claims
    const route = `/api/executions/${claim.executionId}/complete`
    await refused(host, 'POST', route, { runnerId: 'r1', result: nested(1000) }, 'result', /at most 64/)
    expect((await http(host, 'POST', route, { runnerId: 'r1', result: nested(MAX_JSON_DEPTH) })).body.accepted).toBe(true)
    expect((await http(host, 'GET', `/api/tasks/${claim.task.id}`)).body.result).toEqual(nested(MAX_JSON_DEPTH))

    const before = await state(host)
    const viaCli = await cli(['enqueue', 'job', '--payload', JSON.stringify(nested(1000)), ...d()])
    expect(viaCli.code).not.toBe(0)
    expect(viaCli.stderr).toMatch(/payload.*1000 levels deep; at most 64/)
    expect(await state(host)).toBe(before)
    await expectUp(host)
  })
})

describe('issue 17: a data dir that already holds an absurd backoff recovers', () => {
  afterAll(() => removeTempDataDirs())

  /** Writes what an old version let in: tasks whose backoff overflows, claimed with leases already past. */
  const seedOldStore = async (dir: string) => {
    const queue = await openQueue({ dataDir: dir })
    const now = Date.now()
    const task = (id: string, backoff: Record<string, unknown>) =>
      events.taskQueued(
        queuedTask(id, {
          type: 'old',
          processAfter: now,
          createdAt: now,
          maxAttempts: 5,
          backoff: { strategy: 'fixed', baseMs: 1_000, factor: 2, maxMs: 1_000, jitter: false, ...backoff } as never,
        }),
      )
    queue.store.commit(task('huge-base', { strategy: 'fixed', baseMs: 1e300, maxMs: 1e300 }))
    // 0 × 1e300^2 = 0 × Infinity = NaN on the third attempt.
    queue.store.commit(task('nan-delay', { strategy: 'exponential', baseMs: 0, factor: 1e300, maxMs: 1e300 }))
    queue.store.commit(
      events.tasksClaimed({
        claims: [
          { taskId: 'huge-base', executionId: 'e1', runnerId: 'gone', attempt: 1, at: now - 10_000, leaseUntil: now - 5_000 },
          { taskId: 'nan-delay', executionId: 'e2', runnerId: 'gone', attempt: 3, at: now - 10_000, leaseUntil: now - 5_000 },
        ],
      }),
    )
    await queue.close()
  }

  const expectBounded = async (read: (id: string) => Promise<{ status: string; processAfter: number }>) => {
    for (const id of ['huge-base', 'nan-delay']) {
      const t = await read(id)
      expect(t.status).toBe('pending')
      expect(t.processAfter).toBe(LATEST_TIME_MS)
    }
  }

  it('the host reaps it on start with a bounded retry time, and stays up', { timeout: TIMEOUT }, async () => {
    const dir = tempDataDir()
    await seedOldStore(dir)
    const host = await startServe(dir, ['--quiet'])
    try {
      const read = async (id: string) => (await http(host, 'GET', `/api/tasks/${id}`)).body
      await until(
        'the reaper put both tasks back',
        async () => (await read('huge-base')).status === 'pending' && (await read('nan-delay')).status === 'pending',
      )
      await expectBounded(read)
      await expectUp(host)
    } finally {
      expect((await host.stop()).code).toBe(0)
    }
    // And it starts again on the same data dir.
    const again = await startServe(dir, ['--quiet'])
    await expectUp(again)
    await again.stop()
  })

  it('requeue-stuck without a host requeues it with a bounded retry time', { timeout: TIMEOUT }, async () => {
    const dir = tempDataDir()
    await seedOldStore(dir)
    const result = await cli(['requeue-stuck', '--data-dir', dir])
    expect(result.code, result.stderr).toBe(0)
    const queue = await openQueue({ dataDir: dir })
    await expectBounded((id) => queue.get(id))
    await queue.close()
  })
})

describe('issue 17 in the library', () => {
  it('a worker failing with retryAfterMs 1e20 gets a ValidationError; reports from another runner are NotClaimant', async () => {
    const { queue } = await memoryQueue()
    await queue.enqueue({ type: 't' })
    const [claim] = await queue.claim({ runnerId: 'r1' })
    const error = await expectRefused(queue, 'ValidationError', () => queue.fail(claim!.executionId, 'x', { retryAfterMs: 1e20 }))
    expect(error.message).toMatch(/retryAfterMs: must be a number of ms from 0 to 3155760000000 \(100 years\)/)
    await expectRefused(queue, 'NotClaimant', () => queue.complete(claim!.executionId, 1, { runnerId: 'r2' }))
    await expectRefused(queue, 'ValidationError', () => queue.complete(claim!.executionId, () => 1))
    await expectRefused(queue, 'ValidationError', () => queue.heartbeat(claim!.executionId, { leaseMs: 1.5 }))
    // Without a runnerId the library keeps its old contract: the execution id is the token.
    expect(await queue.complete(claim!.executionId, 1)).toMatchObject({ accepted: true })
    await queue.close()
  })

  it('a bad dependsOn after a deduplicated input names its own index', async () => {
    const { queue } = await memoryQueue()
    await queue.enqueue({ type: 't', idempotencyKey: 'k' })
    const error = await expectRefused(queue, 'ValidationError', () =>
      queue.enqueueMany([{ type: 't', idempotencyKey: 'k' }, { type: 't' }, { type: 't', dependsOn: ['missing'] }]),
    )
    expect(error.message).toMatch(/^invalid \[2\]\.dependsOn: no task with id missing/)
  })
})
