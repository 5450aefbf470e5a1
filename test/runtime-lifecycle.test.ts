import { describe, expect, it } from 'vitest'
import { createWorker, type WorkerHooks } from '../src/runtime/index.js'
import examples, { escalation } from '../workers/examples/index.js'
import { until } from './helpers/queue.js'
import { aborted, deferred, memoryQueue, settled, sleep, TRANSPORTS, workerOn } from './helpers/runtime.js'

describe.each(TRANSPORTS)('createWorker: shutdown (%s)', (transport) => {
  const startWorker = workerOn(transport)

  it('stop() stops claiming and lets in-flight work finish within the grace period', async () => {
    const queue = await memoryQueue()
    const started = deferred()
    const [running, waiting] = await queue.enqueueMany([{ type: 'work', priority: 'high' }, { type: 'work' }])
    const worker = await startWorker({
      queue,
      concurrency: 1,
      shutdownGraceMs: 5_000,
      handlers: {
        work: async () => {
          started.resolve()
          await sleep(300)
          return 'finished'
        },
      },
    })
    await started.promise
    await worker.stop()
    expect(worker.state()).toBe('stopped')
    expect((await queue.get(running!.id)).status).toBe('completed')
    expect((await queue.get(waiting!.id)).status).toBe('pending')
  })

  it('after a short grace aborts the handler, records it interrupted, and gives the attempt back', async () => {
    const queue = await memoryQueue()
    const task = await queue.enqueue({ type: 'endless', maxAttempts: 1 })
    const started = deferred()
    const reason = deferred<unknown>()
    const interrupted = deferred()
    const worker = await startWorker({
      queue,
      shutdownGraceMs: 100,
      hooks: { 'task:interrupted': () => interrupted.resolve() },
      handlers: {
        endless: async (_t, ctx) => {
          started.resolve()
          reason.resolve(await aborted(ctx.signal))
          throw ctx.signal.reason
        },
      },
    })
    await started.promise
    await worker.stop()
    await interrupted.promise
    expect(await reason.promise).toMatchObject({ kind: 'shutdown', message: 'worker shut down' })
    const after = await queue.get(task.id)
    // maxAttempts 1, yet it is pending again: an interrupted attempt does not count.
    expect(after).toMatchObject({ status: 'pending', attempts: 0 })
    expect(after.executions?.map((e) => e.status)).toEqual(['interrupted'])

    await startWorker({ queue, handlers: { endless: async (_t, ctx) => `attempt ${ctx.attempt}` } })
    const done = await settled(queue, task.id)
    expect(done).toMatchObject({ status: 'completed', result: 'attempt 1' })
    expect(done.executions?.map((e) => [e.attempt, e.status])).toEqual([
      [1, 'interrupted'],
      [1, 'completed'],
    ])
  })

  it('stop({ force: true }) interrupts at once, even a handler that ignores its signal', async () => {
    const queue = await memoryQueue()
    const task = await queue.enqueue({ type: 'deaf' })
    const started = deferred()
    const worker = await startWorker({
      queue,
      shutdownGraceMs: 60_000,
      handlers: {
        deaf: async () => {
          started.resolve()
          await new Promise(() => {}) // never settles, whatever the signal says
        },
      },
    })
    await started.promise
    const t0 = Date.now()
    const graceful = worker.stop()
    await until('the graceful stop began', () => worker.state() === 'stopping')
    await worker.stop({ force: true })
    await graceful
    expect(Date.now() - t0).toBeLessThan(30_000)
    expect((await queue.get(task.id)).executions?.map((e) => e.status)).toEqual(['interrupted'])
  })

  it.runIf(transport === 'local')('stop() still resolves when the queue was closed first, and says what failed', async () => {
    const queue = await memoryQueue()
    const errors: string[] = []
    const worker = createWorker({ queue, handlers: { a: async () => 1 }, hooks: { 'worker:error': (e) => errors.push(e.during) } })
    await worker.start()
    await queue.close()
    await worker.stop()
    expect(worker.state()).toBe('stopped')
    expect(errors).toContain('stop')
  })
})

describe.each(TRANSPORTS)('example agents (%s)', (transport) => {
  const startWorker = workerOn(transport)

  const quiet: Partial<WorkerHooks> = { 'task:log': () => {} }

  it('summarize reports progress per chunk and returns a summary', async () => {
    const queue = await memoryQueue()
    const text = Array.from({ length: 6 }, (_, i) => `Sentence number ${i} is here. And more filler words follow it.`).join(' ')
    const task = await queue.enqueue({ type: 'summarize', payload: { text, chunkSize: 60 } })
    await startWorker({ queue, handlers: examples, escalation, hooks: quiet })
    const done = await settled(queue, task.id)
    expect(done.status).toBe('completed')
    expect(done.result).toMatchObject({ chunks: 6, summary: expect.stringContaining('Sentence number 0 is here.') })
    expect(done.executions?.[0]).toMatchObject({ progress: 1, progressMessage: 'chunk 6 of 6' })
  })

  it('research fans out research-step tasks and a report that depends on them', async () => {
    const queue = await memoryQueue()
    const task = await queue.enqueue({ type: 'research', payload: { topic: 'event sourcing', questions: ['Why?', 'How?'] } })
    await startWorker({ queue, handlers: examples, escalation, hooks: quiet })
    const done = await settled(queue, task.id)
    const { stepTaskIds, reportTaskId } = done.result as { stepTaskIds: string[]; reportTaskId: string }
    expect(stepTaskIds).toHaveLength(2)
    const report = await settled(queue, reportTaskId)
    expect(report.status).toBe('completed')
    expect(report.dependsOn).toEqual(stepTaskIds)
    const steps = await Promise.all(stepTaskIds.map((id) => queue.get(id)))
    const lastStepDone = Math.max(...steps.map((s) => s.finishedAt ?? 0))
    expect(report.executions?.[0]?.startedAt).toBeGreaterThanOrEqual(lastStepDone)
    expect((report.result as { text: string }).text).toContain('Notes on "How?"')
  })

  it('flaky retries, and escalates to human-review when it runs out of attempts', async () => {
    const queue = await memoryQueue()
    const recovers = await queue.enqueue({ type: 'flaky', payload: { failTimes: 1 }, backoff: 'immediate' })
    const givesUp = await queue.enqueue({ type: 'flaky', payload: { failTimes: 5, retryAfterMs: 10 }, maxAttempts: 2 })
    const escalated = deferred()
    await startWorker({ queue, handlers: examples, escalation, hooks: { ...quiet, 'task:escalated': () => escalated.resolve() } })
    expect(await settled(queue, recovers.id)).toMatchObject({ status: 'completed', result: { succeededOnAttempt: 2 } })
    await escalated.promise
    const failed = await settled(queue, givesUp.id)
    expect(failed.status).toBe('failed')
    expect(failed.executions?.map((e) => e.status)).toEqual(['failed', 'failed'])
    expect(failed.escalatedTo).not.toBeNull()
    const review = await settled(queue, failed.escalatedTo as string)
    expect(review).toMatchObject({ type: 'human-review', status: 'completed', result: { needsHuman: true, fromTaskId: givesUp.id } })
  })
})
