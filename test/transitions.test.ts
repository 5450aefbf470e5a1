import { describe, expect, it } from 'vitest'
import { DEFAULT_LEASE_MS } from '../src/index.js'
import { expectRefused, memoryQueue } from './helpers/queue.js'

const claimOne = async (queue: Awaited<ReturnType<typeof memoryQueue>>['queue'], leaseMs?: number) => {
  const [claim] = await queue.claim({ runnerId: 'runner-1', ...(leaseMs ? { leaseMs } : {}) })
  if (!claim) throw new Error('nothing to claim')
  return claim
}

const kinds = async (queue: Awaited<ReturnType<typeof memoryQueue>>['queue'], taskId: string) => (await queue.activity({ taskId })).map((a) => a.kind)

describe('task transitions', () => {
  it('pending → processing → completed, with an execution and activity', async () => {
    const { queue, clock } = await memoryQueue()
    const task = await queue.enqueue({ type: 'summarize', payload: { text: 'hi' } })
    expect(task.status).toBe('pending')
    const claim = await claimOne(queue)
    expect(claim.attempt).toBe(1)
    expect(claim.leaseUntil).toBe(clock.now() + DEFAULT_LEASE_MS)
    expect((await queue.get(task.id)).status).toBe('processing')
    clock.advance(250)
    expect(await queue.complete(claim.executionId, { summary: 'ok' })).toMatchObject({ accepted: true })
    const done = await queue.get(task.id)
    expect(done).toMatchObject({ status: 'completed', result: { summary: 'ok' }, attempts: 1, finishedAt: clock.now(), leaseUntil: null })
    expect(done.executions).toEqual([
      expect.objectContaining({ id: claim.executionId, attempt: 1, status: 'completed', durationMs: 250, runnerId: 'runner-1' }),
    ])
    expect(await kinds(queue, task.id)).toEqual(['queued', 'started', 'completed'])
    await queue.close()
  })

  it('heartbeat and progress extend the lease; progress is kept on the execution', async () => {
    const { queue, clock } = await memoryQueue()
    const task = await queue.enqueue({ type: 't' })
    const claim = await claimOne(queue, 1_000)
    clock.advance(800)
    expect(await queue.heartbeat(claim.executionId, { leaseMs: 1_000 })).toEqual({
      accepted: true,
      cancelRequested: false,
      leaseUntil: clock.now() + 1_000,
    })
    clock.advance(800)
    await queue.progress(claim.executionId, 0.4, 'chunk 2 of 5', { leaseMs: 1_000 })
    clock.advance(800)
    expect(await queue.expireLeases()).toEqual([])
    const got = await queue.get(task.id)
    expect(got.status).toBe('processing')
    expect(got.executions?.[0]).toMatchObject({ progress: 0.4, progressMessage: 'chunk 2 of 5' })
    await queue.close()
  })

  it('a failure retries by the backoff policy, then dead-letters with lastError', async () => {
    const { queue, clock } = await memoryQueue()
    const task = await queue.enqueue({ type: 't', maxAttempts: 3, backoff: { strategy: 'exponential', baseMs: 1_000, factor: 2 } })
    const retryDelays: number[] = []
    for (let attempt = 1; attempt <= 3; attempt++) {
      const claim = await claimOne(queue)
      expect(claim.attempt).toBe(attempt)
      await queue.fail(claim.executionId, new TypeError(`boom ${attempt}`))
      const after = await queue.get(task.id)
      if (attempt < 3) {
        expect(after.status).toBe('pending')
        retryDelays.push(after.processAfter - clock.now())
        expect(await queue.claim({ runnerId: 'r' })).toEqual([]) // not before its time
        clock.set(after.processAfter)
      } else {
        expect(after.status).toBe('failed')
        expect(after.lastError).toMatchObject({ type: 'TypeError', message: 'boom 3' })
        expect(after.lastError?.stack).toContain('TypeError: boom 3')
        expect(after.finishedAt).toBe(clock.now())
      }
    }
    expect(retryDelays).toEqual([1_000, 2_000])
    const got = await queue.get(task.id)
    expect(got.executions?.map((e) => [e.attempt, e.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'failed'],
    ])
    expect(await kinds(queue, task.id)).toEqual(['queued', 'started', 'failed', 'started', 'failed', 'started', 'failed'])
    await queue.close()
  })

  it('a permanent failure does not retry; retryAfterMs picks the delay', async () => {
    const { queue, clock } = await memoryQueue()
    const a = await queue.enqueue({ type: 'a', maxAttempts: 5 })
    await queue.fail((await claimOne(queue)).executionId, new Error('bad input'), { permanent: true })
    expect((await queue.get(a.id)).status).toBe('failed')
    const b = await queue.enqueue({ type: 'b', maxAttempts: 5 })
    await queue.fail((await claimOne(queue)).executionId, new Error('rate limited'), { retryAfterMs: 42_000 })
    expect((await queue.get(b.id)).processAfter).toBe(clock.now() + 42_000)
    await queue.close()
  })

  it('an interrupted execution (shutdown) is retried at once and gives its attempt back', async () => {
    const { queue } = await memoryQueue()
    const task = await queue.enqueue({ type: 't', maxAttempts: 1 })
    await queue.fail((await claimOne(queue)).executionId, new Error('worker shut down'), { outcome: 'interrupted' })
    expect(await queue.get(task.id)).toMatchObject({ status: 'pending', attempts: 0 })
    const again = await claimOne(queue)
    expect(again.attempt).toBe(1)
    await queue.close()
  })

  it('an expired lease retries the task; the late completion is fenced off and recorded', async () => {
    const { queue, clock } = await memoryQueue()
    const task = await queue.enqueue({ type: 't', backoff: 'immediate' })
    const stale = await claimOne(queue, 1_000)
    clock.advance(1_001)
    expect(await queue.expireLeases()).toEqual([task.id])
    expect((await queue.get(task.id)).status).toBe('pending')
    const fresh = await claimOne(queue)
    expect(fresh.attempt).toBe(2)
    expect(await queue.complete(stale.executionId, 'late')).toMatchObject({ accepted: false })
    expect(await queue.fail(stale.executionId, new Error('late'))).toMatchObject({ accepted: false })
    expect(await queue.heartbeat(stale.executionId)).toMatchObject({ accepted: false })
    expect((await queue.get(task.id)).status).toBe('processing')
    await queue.complete(fresh.executionId, 'fresh')
    const got = await queue.get(task.id)
    expect(got).toMatchObject({ status: 'completed', result: 'fresh' })
    expect(got.executions?.map((e) => e.status)).toEqual(['expired', 'completed'])
    expect(await kinds(queue, task.id)).toEqual(['queued', 'started', 'expired', 'started', 'completion-ignored', 'failure-ignored', 'completed'])
    await queue.close()
  })

  it('an expired lease on the last attempt dead-letters the task', async () => {
    const { queue, clock } = await memoryQueue()
    const task = await queue.enqueue({ type: 't', maxAttempts: 1 })
    await claimOne(queue, 10)
    clock.advance(11)
    await queue.expireLeases()
    expect(await queue.get(task.id)).toMatchObject({ status: 'failed', lastError: { type: 'LeaseExpired' } })
    await queue.close()
  })

  it('cancel: pending at once; processing by request, then confirmed by the worker', async () => {
    const { queue } = await memoryQueue()
    const waiting = await queue.enqueue({ type: 'a', priority: 'low' })
    const running = await queue.enqueue({ type: 'b', priority: 'high' })
    const claim = await claimOne(queue)
    expect(claim.task.id).toBe(running.id)
    expect((await queue.cancel(waiting.id)).status).toBe('cancelled')
    const requested = await queue.cancel(running.id)
    expect(requested).toMatchObject({ status: 'processing', cancelRequested: true })
    expect(await queue.heartbeat(claim.executionId)).toMatchObject({ accepted: true, cancelRequested: true })
    await queue.confirmCancelled(running.id, claim.executionId)
    const got = await queue.get(running.id)
    expect(got.status).toBe('cancelled')
    expect(got.executions?.[0]?.status).toBe('cancelled')
    expect(await kinds(queue, running.id)).toEqual(['queued', 'started', 'cancel-requested', 'cancelled'])
    await queue.close()
  })

  it('a handler that fails after a cancel request ends cancelled, not retried', async () => {
    const { queue } = await memoryQueue()
    const task = await queue.enqueue({ type: 't' })
    const claim = await claimOne(queue)
    await queue.cancel(task.id)
    await queue.fail(claim.executionId, new Error('aborted'))
    expect((await queue.get(task.id)).status).toBe('cancelled')
    await queue.close()
  })

  it('a handler that completes after a cancel request ends cancelled, and its dependents are cancelled too', async () => {
    const { queue } = await memoryQueue()
    const task = await queue.enqueue({ id: 'parent', type: 't' })
    await queue.enqueue({ id: 'child', type: 't', dependsOn: ['parent'] })
    const claim = await claimOne(queue)
    await queue.cancel(task.id)
    expect(await queue.complete(claim.executionId, 'finished anyway')).toMatchObject({ accepted: true, cancelRequested: true })
    const got = await queue.get(task.id)
    expect(got).toMatchObject({ status: 'cancelled', result: null })
    expect(got.executions?.[0]).toMatchObject({ status: 'cancelled', result: 'finished anyway' })
    expect(await queue.get('child')).toMatchObject({ status: 'cancelled', blockedBy: 1, cancelReason: 'dependency parent (t) was cancelled' })
    expect(await queue.claim({ runnerId: 'r' })).toEqual([])
    await queue.close()
  })

  it('fail tells when the task runs again, or that it ended', async () => {
    const { queue, clock } = await memoryQueue()
    await queue.enqueue({ type: 't', maxAttempts: 2, backoff: 'fixed' })
    expect(await queue.fail((await claimOne(queue)).executionId, 'x')).toMatchObject({ accepted: true, retryAt: clock.now() + 1_000 })
    clock.advance(1_000)
    expect(await queue.fail((await claimOne(queue)).executionId, 'x')).toMatchObject({ accepted: true, retryAt: null })
    await queue.close()
  })

  it('retry revives failed and cancelled tasks with a fresh set of attempts', async () => {
    const { queue } = await memoryQueue()
    const task = await queue.enqueue({ type: 't', maxAttempts: 1 })
    await queue.fail((await claimOne(queue)).executionId, new Error('x'))
    expect((await queue.retry(task.id)).status).toBe('pending')
    const again = await claimOne(queue)
    expect(again.attempt).toBe(1)
    await queue.complete(again.executionId)
    const cancelled = await queue.enqueue({ type: 't' })
    await queue.cancel(cancelled.id)
    expect(await queue.retry(cancelled.id)).toMatchObject({ status: 'pending', attempts: 0 })
    await queue.close()
  })

  it('cancel discards a dead letter: failed → cancelled, with its error kept and an activity entry', async () => {
    const { queue } = await memoryQueue()
    const task = await queue.enqueue({ type: 't', maxAttempts: 1 })
    await queue.fail((await claimOne(queue)).executionId, new Error('gave up'))
    const discarded = await queue.cancel(task.id)
    expect(discarded).toMatchObject({ status: 'cancelled', lastError: { message: 'gave up' } })
    expect((await queue.activity({ taskId: task.id })).at(-1)).toMatchObject({ kind: 'cancelled', summary: 'dead letter discarded' })
    expect(await queue.list({ status: 'failed' })).toMatchObject({ items: [] })
    // A discarded dead letter can still be revived.
    expect(await queue.retry(task.id)).toMatchObject({ status: 'pending' })
    await queue.close()
  })

  it('refused transitions write nothing', async () => {
    const { queue } = await memoryQueue()
    const task = await queue.enqueue({ type: 't' })
    await expectRefused(queue, 'InvalidTransition', () => queue.retry(task.id))
    const claim = await claimOne(queue)
    await expectRefused(queue, 'InvalidTransition', () => queue.retry(task.id))
    await queue.complete(claim.executionId)
    await expectRefused(queue, 'InvalidTransition', () => queue.cancel(task.id))
    await expectRefused(queue, 'InvalidTransition', () => queue.retry(task.id))
    await expectRefused(queue, 'TaskNotFound', () => queue.cancel('nope'))
    await expectRefused(queue, 'TaskNotFound', () => queue.retry('nope'))
    await expectRefused(queue, 'TaskNotFound', () => queue.get('nope'))
    await expectRefused(queue, 'TaskNotFound', () => queue.wait('nope'))
    await expectRefused(queue, 'ExecutionNotFound', () => queue.complete('no-such-execution'))
    await expectRefused(queue, 'ExecutionNotFound', () => queue.heartbeat('no-such-execution'))
    const err = await expectRefused(queue, 'InvalidTransition', () => queue.cancel(task.id))
    expect(err.message).toMatch(/it is completed; cancel applies to pending, processing or failed tasks/)
    await queue.close()
  })

  it('prune deletes finished tasks older than the cutoff with their executions and activity', async () => {
    const { queue, clock } = await memoryQueue()
    const old = await queue.enqueue({ type: 't' })
    await queue.complete((await claimOne(queue)).executionId)
    clock.advance(8 * 86_400_000)
    const recent = await queue.enqueue({ type: 't' })
    await queue.complete((await claimOne(queue)).executionId)
    const pending = await queue.enqueue({ type: 't' })
    expect(await queue.prune({ olderThan: '7d' })).toMatchObject({ pruned: 1 })
    await expect(queue.get(old.id)).rejects.toMatchObject({ _tag: 'TaskNotFound' })
    expect(await queue.activity({ taskId: old.id })).toEqual([])
    expect(queue.store.query({ query: 'SELECT count(*) AS n FROM taskExecutions WHERE taskId = $id', bindValues: { id: old.id } })).toEqual([{ n: 0 }])
    expect((await queue.get(recent.id)).status).toBe('completed')
    expect((await queue.get(pending.id)).status).toBe('pending')
    expect(await queue.prune({ olderThan: '7d' })).toMatchObject({ pruned: 0 })
    await queue.close()
  })

  it('pause stops claims for a queue, resume lets them go on; stats show it', async () => {
    const { queue } = await memoryQueue()
    await queue.enqueue({ type: 't', queue: 'emails' })
    await queue.pause('emails')
    expect(await queue.claim({ runnerId: 'r' })).toEqual([])
    expect((await queue.stats()).byQueue.emails).toMatchObject({ pending: 1, paused: true })
    await queue.resume('emails')
    expect(await queue.claim({ runnerId: 'r' })).toHaveLength(1)
    await queue.close()
  })

  it('requeueStuck requeues processing tasks whose lease passed, and leaves live ones', async () => {
    const { queue, clock } = await memoryQueue()
    const stuck = await queue.enqueue({ type: 't', priority: 'high' })
    const live = await queue.enqueue({ type: 't' })
    await claimOne(queue, 1_000)
    await claimOne(queue, 60_000)
    clock.advance(2_000)
    expect(await queue.requeueStuck()).toEqual([stuck.id])
    expect((await queue.get(stuck.id)).status).toBe('pending')
    expect((await queue.get(live.id)).status).toBe('processing')
    await queue.close()
  })

  it('idempotency keys return the existing task, marked deduplicated', async () => {
    const { queue } = await memoryQueue()
    const first = await queue.enqueue({ type: 't', idempotencyKey: 'invoice-42' })
    const second = await queue.enqueue({ type: 't', idempotencyKey: 'invoice-42', payload: 'other' })
    expect(second).toMatchObject({ id: first.id, deduplicated: true })
    const [a, b] = await queue.enqueueMany([
      { type: 't', idempotencyKey: 'same' },
      { type: 't', idempotencyKey: 'same' },
    ])
    expect(b).toMatchObject({ id: a?.id, deduplicated: true })
    // Concurrent enqueues in one group commit dedupe too.
    const [c, d] = await Promise.all([queue.enqueue({ type: 't', idempotencyKey: 'race' }), queue.enqueue({ type: 't', idempotencyKey: 'race' })])
    expect(d?.id).toBe(c?.id)
    expect((await queue.stats()).byStatus.pending).toBe(3)
    await queue.close()
  })

  it('wait resolves once the task is terminal, without polling', async () => {
    const { queue } = await memoryQueue()
    const task = await queue.enqueue({ type: 't' })
    const waited = queue.wait(task.id)
    const claim = await claimOne(queue)
    await queue.complete(claim.executionId, 7)
    expect(await waited).toMatchObject({ id: task.id, status: 'completed', result: 7 })
    await expect(queue.wait((await queue.enqueue({ type: 't' })).id, { timeoutMs: 20 })).rejects.toMatchObject({ _tag: 'WaitTimedOut' })
    await queue.close()
  })

  it('stats count by status, queue, type and priority', async () => {
    const { queue, clock } = await memoryQueue()
    await queue.enqueueMany([{ type: 'a', priority: 'high' }, { type: 'a' }, { type: 'b', queue: 'other' }])
    await queue.complete((await claimOne(queue)).executionId)
    clock.advance(5_000)
    const s = await queue.stats()
    expect(s.byStatus).toEqual({ pending: 2, processing: 0, completed: 1, failed: 0, cancelled: 0 })
    expect(s.byType.a).toMatchObject({ pending: 1, completed: 1 })
    expect(s.byQueue.other).toMatchObject({ pending: 1, paused: false })
    expect(s.byPriority).toEqual({ '5': 2 })
    expect(s.oldestPendingAgeMs).toBe(5_000)
    await queue.close()
  })

  it('list pages newest first with a cursor and filters', async () => {
    const { queue, clock } = await memoryQueue()
    for (let i = 0; i < 5; i++) {
      clock.advance(1)
      await queue.enqueue({ type: i % 2 ? 'odd' : 'even', tags: i === 4 ? ['last'] : [], payload: i })
    }
    const first = await queue.list({ limit: 2 })
    expect(first.items.map((t) => t.payload)).toEqual([4, 3])
    const second = await queue.list({ limit: 2, cursor: first.nextCursor as string })
    expect(second.items.map((t) => t.payload)).toEqual([2, 1])
    const third = await queue.list({ limit: 2, cursor: second.nextCursor as string })
    expect(third).toMatchObject({ nextCursor: null })
    expect(third.items.map((t) => t.payload)).toEqual([0])
    expect((await queue.list({ type: 'odd' })).items.map((t) => t.payload)).toEqual([3, 1])
    expect((await queue.list({ tag: 'last' })).items.map((t) => t.payload)).toEqual([4])
    await queue.close()
  })
})
