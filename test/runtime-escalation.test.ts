import { describe, expect, it } from 'vitest'
import type { BreakerState } from '../src/runtime/index.js'
import { PermanentError } from '../src/runtime/index.js'
import { until } from './helpers/queue.js'
import { activityKinds, deferred, memoryQueue, settled, TRANSPORTS, workerOn } from './helpers/runtime.js'

describe.each(TRANSPORTS)('createWorker: escalation and circuit breaker (%s)', (transport) => {
  const startWorker = workerOn(transport)

  it('escalates a task that failed for good to a linked task of the target type', async () => {
    const queue = await memoryQueue()
    const task = await queue.enqueue({ type: 'flaky', payload: { doc: 42 }, maxAttempts: 2, backoff: 'immediate', priority: 'high' })
    const escalated = deferred<string>()
    await startWorker({
      queue,
      handlers: {
        flaky: async (_t, ctx) => Promise.reject(new Error(`no luck on attempt ${ctx.attempt}`)),
        'human-review': async (t) => ({ reviewed: (t.payload as { fromTaskId: string }).fromTaskId }),
      },
      escalation: { flaky: { onFailure: 'human-review' } },
      hooks: { 'task:escalated': (e) => escalated.resolve(e.toTaskId) },
    })
    const toTaskId = await escalated.promise
    const original = await settled(queue, task.id)
    expect(original.status).toBe('failed')
    expect(original.escalatedTo).toBe(toTaskId)
    expect(await activityKinds(queue, task.id)).toContain('escalated')
    const linked = await settled(queue, toTaskId)
    expect(linked).toMatchObject({ type: 'human-review', escalatedFrom: task.id, priority: 7, status: 'completed', result: { reviewed: task.id } })
    expect(linked.payload).toMatchObject({ original: { doc: 42 }, fromTaskId: task.id, reason: 'failure', error: { message: 'no luck on attempt 2' } })
  })

  it('escalates a final timeout through onTimeout, and does not escalate a task that will retry', async () => {
    const queue = await memoryQueue()
    const task = await queue.enqueue({ type: 'slow', timeoutMs: 100, maxAttempts: 1 })
    const retrying = await queue.enqueue({ type: 'once', maxAttempts: 2, backoff: 'immediate' })
    const escalated = deferred<{ toTaskId: string; reason: string }>()
    await startWorker({
      queue,
      handlers: {
        slow: async (_t, ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
        once: async (_t, ctx) => {
          if (ctx.attempt === 1) throw new Error('first try fails')
          return 'ok'
        },
      },
      escalation: { slow: { onFailure: 'never-used', onTimeout: 'bigger-model' }, once: { onFailure: 'human-review' } },
      hooks: { 'task:escalated': (e) => escalated.resolve(e) },
    })
    const { toTaskId, reason } = await escalated.promise
    expect(reason).toBe('timeout')
    expect((await queue.get(toTaskId)).type).toBe('bigger-model')
    expect((await settled(queue, task.id)).escalatedTo).toBe(toTaskId)
    expect((await settled(queue, retrying.id)).escalatedTo).toBeNull()
  })

  it('opens the breaker after N consecutive failures, half-opens after the cool-down, closes on a good trial', async () => {
    const queue = await memoryQueue()
    const changes: Array<[BreakerState, BreakerState]> = []
    let healthy = false
    const ran: string[] = []
    const halfOpen = deferred()
    const worker = await startWorker({
      queue,
      concurrency: 1,
      circuitBreaker: { threshold: 2, cooldownMs: 1_200 },
      handlers: {
        api: async (t) => {
          ran.push(t.id)
          if (!healthy) throw new PermanentError('upstream down')
          return 'up'
        },
        other: async () => 'unaffected',
      },
      hooks: {
        'breaker:change': (e) => {
          changes.push([e.from, e.to])
          if (e.to === 'halfOpen') halfOpen.resolve()
        },
      },
    })
    const tasks = await queue.enqueueMany(Array.from({ length: 5 }, (_, i) => ({ type: 'api', payload: i, maxAttempts: 1 })))
    await settled(queue, tasks[1]!.id)
    await until('the breaker opened', () => worker.breakers().api?.state === 'open')
    expect(worker.breakers().api).toMatchObject({ state: 'open', consecutiveFailures: 2 })
    await until('stats show the open breaker', async () => (await queue.stats()).breakers.length > 0)
    expect((await queue.stats()).breakers).toEqual([expect.objectContaining({ runnerId: worker.runnerId, type: 'api', state: 'open', consecutiveFailures: 2 })])
    expect(ran).toHaveLength(2)
    // Other types keep flowing while api is open.
    const other = await queue.enqueue({ type: 'other' })
    expect((await settled(queue, other.id)).status).toBe('completed')
    expect((await queue.get(tasks[2]!.id)).status).toBe('pending')
    // The trial fails: open again for another cool-down.
    await halfOpen.promise
    await settled(queue, tasks[2]!.id)
    await until('the failed trial opened the breaker again', () => worker.breakers().api?.state === 'open')
    expect(ran).toHaveLength(3)
    // Healthy again: the next trial closes it and the rest flows.
    healthy = true
    await Promise.all(tasks.slice(3).map((t) => settled(queue, t.id)))
    expect(worker.breakers().api).toMatchObject({ state: 'closed', consecutiveFailures: 0 })
    expect(changes).toEqual([
      ['closed', 'open'],
      ['open', 'halfOpen'],
      ['halfOpen', 'open'],
      ['open', 'halfOpen'],
      ['halfOpen', 'closed'],
    ])
    // The same story is in the activity stream, and stats() shows no breaker left open.
    const breakerKinds = async () => (await queue.activity({ type: 'api', limit: 1000 })).map((a) => a.kind).filter((k) => k.startsWith('breaker-'))
    await until('the closing is in the activity stream', async () => (await breakerKinds()).includes('breaker-closed'))
    expect(await breakerKinds()).toEqual(['breaker-open', 'breaker-halfOpen', 'breaker-open', 'breaker-halfOpen', 'breaker-closed'])
    expect((await queue.stats()).breakers).toEqual([])
  })
})
