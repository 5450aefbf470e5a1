import { describe, expect, it } from 'vitest'
import { until } from './helpers/queue.js'
import { deferred, memoryQueue, restartableHost, settled, startWorkerAt } from './helpers/runtime.js'

/**
 * A remote worker against a real HTTP server (in process, on a queue the test owns) that goes
 * away and comes back on the same port: reports retried with backoff, leases that lapse
 * meanwhile, and stopping while the host is gone.
 */
describe('remote worker: host outages', () => {
  it('keeps the handler running while the host is down; its progress and result land when it is back', async () => {
    const queue = await memoryQueue()
    const host = await restartableHost(queue)
    const task = await queue.enqueue({ type: 'job' })
    const started = deferred()
    const release = deferred()
    const seen: string[] = []
    await startWorkerAt(host.url, {
      handlers: {
        job: async (_t, ctx) => {
          started.resolve()
          await release.promise
          ctx.progress(1, 'done while the host was away')
          return 'finished during the outage'
        },
      },
      hooks: { 'worker:disconnected': () => seen.push('disconnected'), 'worker:reconnected': () => seen.push('reconnected') },
    })
    await started.promise
    await host.down()
    release.resolve()
    // The worker tried to report while the host was down (that is what makes it disconnected).
    await until('the worker found the host gone', () => seen.includes('disconnected'))
    expect((await queue.get(task.id)).status).toBe('processing')
    expect(seen).toEqual(['disconnected'])
    await host.up()
    const done = await settled(queue, task.id)
    expect(done).toMatchObject({ status: 'completed', result: 'finished during the outage' })
    expect(done.executions?.map((e) => [e.status, e.progress, e.progressMessage])).toEqual([['completed', 1, 'done while the host was away']])
    expect(seen).toEqual(['disconnected', 'reconnected'])
  })

  it('a lease that lapsed during the outage: the late result is ignored and the task runs again', async () => {
    const queue = await memoryQueue()
    const host = await restartableHost(queue)
    const task = await queue.enqueue({ type: 'job', backoff: 'immediate' })
    const started = deferred()
    const release = deferred()
    const ignored = deferred<string>()
    await startWorkerAt(host.url, {
      leaseMs: 400,
      heartbeatMs: 100,
      hooks: { 'task:ignored': (e) => ignored.resolve(e.report) },
      handlers: {
        job: async (_t, ctx) => {
          if (ctx.attempt > 1) return `attempt ${ctx.attempt}`
          started.resolve()
          await release.promise // deaf to its signal: finishes after the lease is gone
          return 'too late'
        },
      },
    })
    await started.promise
    await host.down()
    // The host's reaper expires the execution while the worker cannot heartbeat (the lease is
    // 400 ms; polled, not slept: on a loaded 2-core machine the reaper's turn can come late).
    await expect.poll(async () => (await queue.get(task.id)).executions?.map((e) => e.status), { timeout: 10_000 }).toEqual(['expired'])
    release.resolve()
    await host.up()
    expect(await ignored.promise).toBe('completion')
    const done = await settled(queue, task.id)
    expect(done).toMatchObject({ status: 'completed', result: 'attempt 2' })
    expect(done.executions?.map((e) => e.status)).toEqual(['expired', 'completed'])
  })

  it('a forced stop does not wait for a host that is gone', async () => {
    const queue = await memoryQueue()
    const host = await restartableHost(queue)
    await queue.enqueue({ type: 'job' })
    const started = deferred()
    const worker = await startWorkerAt(host.url, {
      handlers: {
        job: async () => {
          started.resolve()
          await new Promise(() => {})
        },
      },
    })
    await started.promise
    await host.down()
    const t0 = Date.now()
    const graceful = worker.stop()
    await until('the graceful stop began', () => worker.state() === 'stopping')
    await worker.stop({ force: true })
    await graceful
    expect(worker.state()).toBe('stopped')
    expect(Date.now() - t0).toBeLessThan(5_000)
  })

  it('a graceful stop ends its waiting long-poll at once and claims nothing after', async () => {
    const queue = await memoryQueue()
    const host = await restartableHost(queue)
    const worker = await startWorkerAt(host.url, { handlers: { job: async () => 'ran' } })
    await until("the worker's long-poll claim is waiting", () => host.waitingClaims() === 1)
    const t0 = Date.now()
    await worker.stop()
    expect(Date.now() - t0).toBeLessThan(1_500)
    expect(host.waitingClaims()).toBe(0)
    expect((await queue.runners()).map((r) => r.status)).toEqual(['stopped'])
    // Claims nothing after: a second worker, started after the task is in, is the one that runs
    // it (a stopped one still claiming would have raced it for the task).
    const task = await queue.enqueue({ type: 'job' })
    await startWorkerAt(host.url, { handlers: { job: async () => 'the second worker' } })
    expect(await settled(queue, task.id)).toMatchObject({ status: 'completed', result: 'the second worker' })
    expect((await queue.get(task.id)).executions).toHaveLength(1)
  })
})
