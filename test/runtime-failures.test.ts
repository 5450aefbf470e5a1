import { describe, expect, it } from 'vitest'
import { abortKind, PermanentError, RetryAfter, TaskAborted } from '../src/runtime/index.js'
import { until } from './helpers/queue.js'
import { activityKinds, aborted, deferred, memoryQueue, settled, TRANSPORTS, workerOn } from './helpers/runtime.js'

describe.each(TRANSPORTS)('createWorker: failures, retries, timeouts, cancellation (%s)', (transport) => {
  const startWorker = workerOn(transport)

  it('retries by the backoff policy and records every attempt in taskExecutions', async () => {
    const queue = await memoryQueue()
    const task = await queue.enqueue({ type: 'flaky', maxAttempts: 3, backoff: { strategy: 'exponential', baseMs: 100, factor: 2 } })
    const attempts: number[] = []
    await startWorker({
      queue,
      handlers: {
        flaky: async (_t, ctx) => {
          attempts.push(ctx.attempt)
          if (ctx.attempt < 3) throw new Error(`boom ${ctx.attempt}`)
          return 'third time lucky'
        },
      },
    })
    const done = await settled(queue, task.id)
    expect(done.status).toBe('completed')
    expect(attempts).toEqual([1, 2, 3])
    const ex = done.executions ?? []
    expect(ex.map((e) => [e.attempt, e.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'completed'],
    ])
    expect(ex[0]?.error?.message).toBe('boom 1')
    // Retry n waits baseMs × factor^(n-1): 100 ms, then 200 ms.
    expect((ex[1]?.startedAt ?? 0) - (ex[0]?.finishedAt ?? 0)).toBeGreaterThanOrEqual(100)
    expect((ex[2]?.startedAt ?? 0) - (ex[1]?.finishedAt ?? 0)).toBeGreaterThanOrEqual(200)
  })

  it('dead-letters at once on PermanentError, whatever attempts are left', async () => {
    const queue = await memoryQueue()
    const task = await queue.enqueue({ type: 'bad', maxAttempts: 5 })
    const failed = deferred<boolean>()
    await startWorker({
      queue,
      handlers: { bad: async () => Promise.reject(new PermanentError('invalid input')) },
      hooks: { 'task:failed': () => failed.resolve(true) },
    })
    const done = await settled(queue, task.id)
    expect(done.status).toBe('failed')
    expect(done.executions).toHaveLength(1)
    expect(done.lastError).toMatchObject({ type: 'PermanentError', message: 'invalid input' })
    expect(await failed.promise).toBe(true)
  })

  it('retries after the delay a RetryAfter asks for instead of the backoff', async () => {
    const queue = await memoryQueue()
    // The policy alone would wait 60 s.
    const task = await queue.enqueue({ type: 'limited', backoff: { strategy: 'fixed', baseMs: 60_000 } })
    await startWorker({
      queue,
      handlers: {
        limited: async (_t, ctx) => {
          if (ctx.attempt === 1) throw new RetryAfter(300, 'rate limited')
          return 'ok'
        },
      },
    })
    const done = await settled(queue, task.id)
    expect(done.status).toBe('completed')
    const [first, second] = done.executions ?? []
    expect(first?.error?.message).toBe('rate limited')
    const waited = (second?.startedAt ?? 0) - (first?.finishedAt ?? 0)
    expect(waited).toBeGreaterThanOrEqual(300)
    expect(waited).toBeLessThan(5_000)
  })

  it('aborts the signal on timeout and ends the execution timedOut', async () => {
    const queue = await memoryQueue()
    const task = await queue.enqueue({ type: 'slow', timeoutMs: 200, maxAttempts: 1 })
    const reason = deferred<unknown>()
    await startWorker({
      queue,
      handlers: {
        slow: async (_t, ctx) => {
          reason.resolve(await aborted(ctx.signal))
          throw ctx.signal.reason
        },
      },
    })
    expect(await reason.promise).toBeInstanceOf(TaskAborted)
    expect(((await reason.promise) as TaskAborted).kind).toBe('timeout')
    const done = await settled(queue, task.id)
    expect(done.status).toBe('failed')
    expect(done.executions?.map((e) => e.status)).toEqual(['timedOut'])
  })

  it('reports a timeout even when the handler ignores its signal', async () => {
    const queue = await memoryQueue()
    const task = await queue.enqueue({ type: 'stubborn', timeoutMs: 150, maxAttempts: 1 })
    const release = deferred()
    await startWorker({ queue, handlers: { stubborn: async () => release.promise.then(() => 'too late') } })
    const done = await settled(queue, task.id)
    expect(done.executions?.map((e) => e.status)).toEqual(['timedOut'])
    release.resolve()
  })

  it('aborts a running handler when its task is cancelled, and the task ends cancelled', async () => {
    const queue = await memoryQueue()
    const task = await queue.enqueue({ type: 'long' })
    const started = deferred()
    const reason = deferred<string | null>()
    await startWorker({
      queue,
      handlers: {
        long: async (_t, ctx) => {
          started.resolve()
          await aborted(ctx.signal)
          reason.resolve(abortKind(ctx.signal))
          throw ctx.signal.reason
        },
      },
    })
    await started.promise
    await queue.cancel(task.id)
    expect(await reason.promise).toBe('cancelled')
    const done = await settled(queue, task.id)
    expect(done.status).toBe('cancelled')
    expect(done.executions?.map((e) => e.status)).toEqual(['cancelled'])
  })

  it('lets the cancel win when the handler ignores the signal and completes anyway', async () => {
    const queue = await memoryQueue()
    const task = await queue.enqueue({ type: 'deaf' })
    const started = deferred()
    const finish = deferred()
    const deaf = async () => {
      started.resolve()
      await finish.promise
      return 'result nobody wants'
    }
    await startWorker({ queue, handlers: { deaf } })
    await started.promise
    await queue.cancel(task.id)
    finish.resolve()
    const done = await settled(queue, task.id)
    expect(done.status).toBe('cancelled')
    expect(done.result).toBeNull()
  })

  it('ignores a late completion from an execution whose lease expired', async () => {
    const queue = await memoryQueue()
    const task = await queue.enqueue({ type: 'stalled', maxAttempts: 1 })
    const ignored = deferred<string>()
    const reason = deferred<string | null>()
    // Heartbeats far apart and a short lease: the worker's own reaper expires the execution.
    await startWorker({
      queue,
      heartbeatMs: 60_000,
      leaseMs: 300,
      hooks: { 'task:ignored': (e) => ignored.resolve(e.report) },
      handlers: {
        stalled: async (_t, ctx) => {
          await aborted(ctx.signal)
          reason.resolve(abortKind(ctx.signal))
          return 'finished after losing the lease' // ignores the signal: a late completion
        },
      },
    })
    expect(await reason.promise).toBe('leaseLost')
    expect(await ignored.promise).toBe('completion')
    const after = await queue.get(task.id)
    expect(after.status).toBe('failed')
    expect(after.result).toBeNull()
    expect(after.executions?.map((e) => e.status)).toEqual(['expired'])
    expect(await activityKinds(queue, task.id)).toContain('completion-ignored')
  })

  it.runIf(transport === 'local')('complete() from an expired execution answers accepted:false', async () => {
    const queue = await memoryQueue()
    const task = await queue.enqueue({ type: 'x', maxAttempts: 1 })
    const [claim] = await queue.claim({ runnerId: 'manual', leaseMs: 1 })
    await until('the 1 ms lease ran out', () => Date.now() > claim!.leaseUntil)
    expect(await queue.expireLeases()).toEqual([task.id])
    expect(await queue.complete(claim!.executionId, 'late')).toMatchObject({ accepted: false })
  })
})
