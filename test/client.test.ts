import { afterEach, describe, expect, it } from 'vitest'
import type { QueueApi } from '../src/client/QueueApi.js'
import { DependencyCycle, ExecutionNotFound, InvalidTransition, QueueClosed, TaskNotFound, ValidationError, WaitTimedOut } from '../src/errors.js'
import { localSubject, remoteSubject, type Subject } from './helpers/host.js'

/**
 * One contract, two transports: the same calls on the in-process TaskQueue and on a RemoteQueue
 * talking to a real host (src/server) on a loopback port must give the same results and throw
 * the same tagged error classes with the same fields and messages.
 */

const transports: Array<[string, () => Promise<Subject>]> = [
  ['TaskQueue (in process)', localSubject],
  ['RemoteQueue (HTTP)', remoteSubject],
]

describe.each(transports)('queue contract: %s', (_name, makeSubject) => {
  let subject: Subject | undefined
  afterEach(async () => {
    await subject?.close()
    subject = undefined
  })
  const open = async (): Promise<QueueApi> => {
    subject = await makeSubject()
    return subject.queue
  }

  it('enqueue, get, list and stats', async () => {
    const queue = await open()
    const runAt = new Date(Date.now() + 60_000)
    const a = await queue.enqueue({ type: 'email', payload: { to: 'a@b.c' }, priority: 'high', tags: ['x'], queue: 'mail' })
    const b = await queue.enqueue({ type: 'report', runAt, metadata: { k: 1 } })
    expect(a).toMatchObject({ type: 'email', status: 'pending', priority: 7, payload: { to: 'a@b.c' }, tags: ['x'], queue: 'mail' })
    expect(b.processAfter).toBe(runAt.getTime())

    const got = await queue.get(a.id)
    expect(got).toMatchObject({ id: a.id, executions: [] })
    const page = await queue.list({ queue: 'mail', tag: 'x', status: 'pending' })
    expect(page).toEqual({ items: [expect.objectContaining({ id: a.id })], nextCursor: null })
    const first = await queue.list({ limit: 1 })
    expect(first.items.map((t) => t.id)).toEqual([b.id])
    const second = await queue.list({ limit: 1, cursor: first.nextCursor as string })
    expect(second.items.map((t) => t.id)).toEqual([a.id])

    const stats = await queue.stats()
    expect(stats.byStatus).toEqual({ pending: 2, processing: 0, completed: 0, failed: 0, cancelled: 0 })
    expect(stats.byQueue.mail).toMatchObject({ pending: 1, paused: false })
    expect(stats.byPriority).toEqual({ '5': 1, '7': 1 })
  })

  it('enqueueMany links a batch by dependsOn; an idempotency key deduplicates', async () => {
    const queue = await open()
    const parent = '01900000-0000-7000-8000-000000000001'
    const [p, child] = await queue.enqueueMany([
      { id: parent, type: 'a' },
      { type: 'b', dependsOn: [parent] },
    ])
    expect(p?.id).toBe(parent)
    expect(child).toMatchObject({ dependsOn: [parent], blockedBy: 1 })
    const once = await queue.enqueue({ type: 'c', idempotencyKey: 'k' })
    const twice = await queue.enqueue({ type: 'c', idempotencyKey: 'k' })
    expect(twice).toMatchObject({ id: once.id, deduplicated: true })
  })

  it('cancel and retry; a wrong state is InvalidTransition with its fields', async () => {
    const queue = await open()
    const task = await queue.enqueue({ type: 'job' })
    expect(await queue.cancel(task.id)).toMatchObject({ id: task.id, status: 'cancelled' })
    const refused = await queue.cancel(task.id).catch((e) => e)
    expect(refused).toBeInstanceOf(InvalidTransition)
    expect(refused).toMatchObject({
      _tag: 'InvalidTransition',
      taskId: task.id,
      from: 'cancelled',
      action: 'cancel',
      allowedFrom: ['pending', 'processing', 'failed'],
    })
    expect(refused.message).toBe(`cannot cancel task ${task.id}: it is cancelled; cancel applies to pending, processing or failed tasks`)
    expect(await queue.retry(task.id)).toMatchObject({ id: task.id, status: 'pending' })
  })

  it('activity: the latest entries, a since cursor, filters', async () => {
    const queue = await open()
    const a = await queue.enqueue({ type: 'a', queue: 'q1' })
    await queue.enqueue({ type: 'b', queue: 'q2' })
    await queue.cancel(a.id)
    const all = await queue.activity()
    expect(all.map((e) => [e.kind, e.type])).toEqual([
      ['queued', 'a'],
      ['queued', 'b'],
      ['cancelled', 'a'],
    ])
    const [first] = all
    expect(await queue.activity({ since: first?.seq as number, limit: 1 })).toEqual([all[1]])
    expect((await queue.activity({ taskId: a.id })).map((e) => e.kind)).toEqual(['queued', 'cancelled'])
    expect((await queue.activity({ queue: 'q2' })).map((e) => e.type)).toEqual(['b'])
    expect(await queue.activity({ type: 'b', limit: 1 })).toEqual([all[1]])
  })

  it('query: a SELECT answers rows; a write is a ValidationError', async () => {
    const queue = await open()
    await queue.enqueueMany([{ type: 'a' }, { type: 'a' }, { type: 'b' }])
    const result = await queue.query('select type, count(*) as n from workerTasks group by type order by type')
    expect(result).toEqual({
      rows: [
        { type: 'a', n: 2 },
        { type: 'b', n: 1 },
      ],
      truncated: false,
    })
    const refused = await queue.query('delete from workerTasks').catch((e) => e)
    expect(refused).toBeInstanceOf(ValidationError)
    expect(refused).toMatchObject({ field: 'sql', message: 'invalid sql: only a read-only SELECT (or WITH … SELECT) is allowed' })
  })

  it('errors come back as the library classes, with their fields and messages', async () => {
    const queue = await open()
    const missing = await queue.get('nope').catch((e) => e)
    expect(missing).toBeInstanceOf(TaskNotFound)
    expect(missing).toMatchObject({ taskId: 'nope', message: 'no task with id nope (check the id with `livequeue list`)' })
    expect(await queue.cancel('nope').catch((e) => e)).toBeInstanceOf(TaskNotFound)

    const invalid = await queue.enqueue({ type: 'x', priority: 'urgent' as never }).catch((e) => e)
    expect(invalid).toBeInstanceOf(ValidationError)
    expect(invalid.field).toBe('priority')
    const cycle = await queue
      .enqueueMany([
        { id: '01900000-0000-7000-8000-00000000000a', type: 'x', dependsOn: ['01900000-0000-7000-8000-00000000000b'] },
        { id: '01900000-0000-7000-8000-00000000000b', type: 'x', dependsOn: ['01900000-0000-7000-8000-00000000000a'] },
      ])
      .catch((e) => e)
    expect(cycle).toBeInstanceOf(DependencyCycle)
    expect(cycle.path).toHaveLength(3)

    const execution = await queue.heartbeat('no-such-execution', { runnerId: 'r1' }).catch((e) => e)
    expect(execution).toBeInstanceOf(ExecutionNotFound)
    expect(execution.executionId).toBe('no-such-execution')

    const task = await queue.enqueue({ type: 'slow' })
    const timedOut = await queue.wait(task.id, { timeoutMs: 200 }).catch((e) => e)
    expect(timedOut).toBeInstanceOf(WaitTimedOut)
    expect(timedOut).toMatchObject({ taskId: task.id, timeoutMs: 200 })
    // Nothing refused above was written.
    expect((await queue.list()).items.map((t) => t.id)).toEqual([task.id])
  })

  it('the worker surface: claim, heartbeat, progress, complete, fail, escalate, cancel', async () => {
    const queue = await open()
    const task = await queue.enqueue({ type: 'work', payload: { n: 1 } })
    const waiting = queue.wait(task.id, { timeoutMs: 20_000 })
    const [claim] = await queue.claim({ runnerId: 'r1', types: ['work'], leaseMs: 60_000 })
    expect(claim).toMatchObject({ task: { id: task.id, status: 'processing' }, attempt: 1 })
    const executionId = claim?.executionId as string
    // Reports name the runner that claimed the execution; another runner's are refused and change nothing.
    expect(await queue.complete(executionId, 'stolen', { runnerId: 'r2' }).catch((e) => e)).toMatchObject({
      _tag: 'NotClaimant',
      executionId,
      runnerId: 'r2',
      claimedBy: 'r1',
    })
    expect(await queue.heartbeat(executionId, { leaseMs: 60_000, runnerId: 'r2' }).catch((e) => e)).toMatchObject({ _tag: 'NotClaimant' })
    expect(await queue.fail(executionId, new Error('no'), { runnerId: 'r2' }).catch((e) => e)).toMatchObject({ _tag: 'NotClaimant' })
    expect(await queue.progress(executionId, 0.9, 'x', { runnerId: 'r2' }).catch((e) => e)).toMatchObject({ _tag: 'NotClaimant' })
    expect(await queue.get(task.id)).toMatchObject({ status: 'processing', currentExecutionId: executionId })
    expect(await queue.heartbeat(executionId, { leaseMs: 60_000, runnerId: 'r1' })).toMatchObject({ accepted: true, cancelRequested: false })
    expect(await queue.progress(executionId, 0.5, 'half', { runnerId: 'r1' })).toMatchObject({ accepted: true })
    expect(await queue.complete(executionId, { ok: true }, { runnerId: 'r1' })).toMatchObject({ accepted: true })
    const done = await waiting
    expect(done).toMatchObject({ status: 'completed', result: { ok: true } })
    expect(done.executions).toEqual([expect.objectContaining({ status: 'completed', progress: 0.5, progressMessage: 'half' })])
    expect(await queue.claim({ runnerId: 'r1' })).toEqual([])

    const flaky = await queue.enqueue({ type: 'work', maxAttempts: 2, backoff: { strategy: 'fixed', baseMs: 60_000 } })
    const [c2] = await queue.claim({ runnerId: 'r1' })
    const failed = await queue.fail(c2?.executionId as string, new TypeError('boom'), { runnerId: 'r1' })
    expect(failed).toMatchObject({ accepted: true, leaseUntil: null })
    expect(failed.retryAt).toBeGreaterThan(Date.now() + 30_000)
    expect((await queue.get(flaky.id)).lastError).toMatchObject({ type: 'TypeError', message: 'boom' })

    const doomed = await queue.enqueue({ type: 'work' })
    const [c3] = await queue.claim({ runnerId: 'r1', types: ['work'] })
    expect((await queue.fail(c3?.executionId as string, new Error('no'), { permanent: true, runnerId: 'r1' })).retryAt).toBeNull()
    const linked = await queue.escalate({
      taskId: doomed.id,
      executionId: c3?.executionId as string,
      toType: 'human',
      reason: 'failure',
      error: new Error('no'),
    })
    expect(linked).toMatchObject({ type: 'human', escalatedFrom: doomed.id })
    expect(await queue.get(doomed.id)).toMatchObject({ status: 'failed', escalatedTo: linked.id })

    const stopped = await queue.enqueue({ type: 'long' })
    const [c4] = await queue.claim({ runnerId: 'r1', types: ['long'] })
    expect(await queue.cancel(stopped.id)).toMatchObject({ status: 'processing', cancelRequested: true })
    expect(await queue.heartbeat(c4?.executionId as string, { runnerId: 'r1' })).toMatchObject({ accepted: true, cancelRequested: true })
    await queue.confirmCancelled(stopped.id, c4?.executionId as string)
    expect(await queue.get(stopped.id)).toMatchObject({ status: 'cancelled' })
  })

  it('runners, breakers, pause, resume, prune and requeueStuck', async () => {
    const queue = await open()
    await queue.runnerStarted({ runnerId: 'r1', types: ['work'], concurrency: 2 })
    await queue.runnerHeartbeat('r1')
    await queue.recordBreaker({ runnerId: 'r1', type: 'work', state: 'open', consecutiveFailures: 5, reopensAt: Date.now() + 60_000 })
    expect(await queue.runners()).toEqual([expect.objectContaining({ id: 'r1', status: 'running', types: ['work'], concurrency: 2 })])
    expect((await queue.stats()).breakers).toEqual([expect.objectContaining({ runnerId: 'r1', type: 'work', state: 'open' })])

    expect(await queue.pause('jobs')).toEqual({ queue: 'jobs', paused: true })
    await queue.enqueue({ type: 'work', queue: 'jobs' })
    expect(await queue.claim({ runnerId: 'r1' })).toEqual([])
    expect(await queue.resume('jobs')).toEqual({ queue: 'jobs', paused: false })
    const [claim] = await queue.claim({ runnerId: 'r1' })
    await queue.runnerStopped('r1')
    expect(await queue.requeueStuck()).toEqual([claim?.task.id])

    const old = await queue.enqueue({ type: 'gone' })
    const { finishedAt } = await queue.cancel(old.id)
    // A cutoff 1 ms after it finished (the cutoff is exclusive): no waiting for the clock to move on.
    expect(await queue.prune({ olderThan: new Date((finishedAt as number) + 1) })).toMatchObject({ pruned: 1 })
    expect(await queue.prune({ olderThan: '7d' })).toMatchObject({ pruned: 0 })
    expect(await queue.get(old.id).catch((e) => e)).toBeInstanceOf(TaskNotFound)
  })

  it('after close, calls fail with QueueClosed', async () => {
    const queue = await open()
    await queue.close()
    expect(await queue.stats().catch((e) => e)).toBeInstanceOf(QueueClosed)
    expect(await queue.enqueue({ type: 'x' }).catch((e) => e)).toBeInstanceOf(QueueClosed)
  })
})
