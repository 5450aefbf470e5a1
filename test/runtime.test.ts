import { describe, expect, it } from 'vitest'
import { createWorker } from '../src/runtime/index.js'
import { until } from './helpers/queue.js'
import { deferred, memoryQueue, settled, sleep, TRANSPORTS, workerOn } from './helpers/runtime.js'

describe.each(TRANSPORTS)('createWorker: claiming (%s)', (transport) => {
  const startWorker = workerOn(transport)

  it('never runs more handlers than concurrency, nor more of a type than concurrencyPerType', async () => {
    const queue = await memoryQueue()
    let now = 0
    let peak = 0
    const perType = { a: 0, b: 0 }
    const peakPerType = { a: 0, b: 0 }
    // Handlers hold their slot until all three slots were seen full (or 500 ms pass), so a
    // slow machine cannot hide a missed claim by finishing handlers early.
    const full = deferred()
    const handler = (type: 'a' | 'b') => async () => {
      now++
      perType[type]++
      peak = Math.max(peak, now)
      peakPerType[type] = Math.max(peakPerType[type], perType[type])
      if (now === 3) full.resolve()
      await Promise.race([full.promise, sleep(500)])
      await sleep(10)
      now--
      perType[type]--
      return type
    }
    const tasks = await queue.enqueueMany([...Array.from({ length: 8 }, () => ({ type: 'a' })), ...Array.from({ length: 8 }, () => ({ type: 'b' }))])
    await startWorker({ queue, handlers: { a: handler('a'), b: handler('b') }, concurrency: 3, concurrencyPerType: { a: 1 } })
    const done = await Promise.all(tasks.map((t) => settled(queue, t.id)))
    expect(done.every((t) => t.status === 'completed')).toBe(true)
    expect(peak).toBe(3)
    expect(peakPerType.a).toBe(1)
    expect(peakPerType.b).toBeGreaterThanOrEqual(2)
  })

  it('with concurrency 1 runs tasks in the ordering contract: priority desc, then createdAt, then id', async () => {
    const queue = await memoryQueue()
    const order: string[] = []
    // Enqueued one by one so createdAt differs; names say the expected position.
    const inputs: Array<[string, number | 'critical' | 'high' | 'normal' | 'low']> = [
      ['4-normal-first', 'normal'],
      ['6-low', 'low'],
      ['2-high-first', 'high'],
      ['5-normal-second', 'normal'],
      ['1-critical', 'critical'],
      ['3-high-second', 'high'],
      ['0-p99', 99],
    ]
    const ids: string[] = []
    for (const [name, priority] of inputs) {
      const task = await queue.enqueue({ type: 'job', payload: name, priority })
      ids.push(task.id)
      await until('the clock moved on', () => Date.now() > task.createdAt)
    }
    // A dependency holds its task back whatever its priority.
    const blocked = await queue.enqueue({ type: 'job', payload: '7-after-low', priority: 'critical', dependsOn: [ids[1] as string] })
    await startWorker({ queue, handlers: { job: async (task) => order.push(task.payload as string) }, concurrency: 1 })
    await settled(queue, blocked.id)
    expect(order).toEqual(['0-p99', '1-critical', '2-high-first', '3-high-second', '4-normal-first', '5-normal-second', '6-low', '7-after-low'])
  })

  it('picks up work enqueued after it went idle, without polling', async () => {
    const queue = await memoryQueue()
    await startWorker({ queue, handlers: { echo: async (task) => task.payload } })
    // Idle: registered, and its first claim found nothing (the task does not exist yet).
    await until('the worker registered', async () => (await queue.runners()).length > 0)
    const task = await queue.enqueue({ type: 'echo', payload: { hello: 'world' } })
    const done = await settled(queue, task.id)
    expect(done.status).toBe('completed')
    expect(done.result).toEqual({ hello: 'world' })
  })

  it('does not start a delayed task before its time, and starts it soon after', async () => {
    const queue = await memoryQueue()
    const started = deferred<number>()
    await startWorker({ queue, handlers: { later: async () => started.resolve(Date.now()) } })
    // Other, earlier work keeps the worker's wake-ups busy meanwhile.
    const task = await queue.enqueue({ type: 'later', delay: 700 })
    await queue.enqueue({ type: 'other' })
    const startedAt = await started.promise
    expect(startedAt).toBeGreaterThanOrEqual(task.processAfter)
    expect(startedAt - task.processAfter).toBeLessThan(1_000)
    expect((await settled(queue, task.id)).status).toBe('completed')
  })

  it('only claims its own types and named queues', async () => {
    const queue = await memoryQueue()
    const mine = await queue.enqueue({ type: 'mine', queue: 'q1' })
    const otherQueue = await queue.enqueue({ type: 'mine', queue: 'q2' })
    const otherType = await queue.enqueue({ type: 'theirs', queue: 'q1' })
    await startWorker({ queue, handlers: { mine: async () => 'ok' }, queues: ['q1'] })
    expect((await settled(queue, mine.id)).status).toBe('completed')
    // Nothing else taken: a later task it does handle is done first (it claims in order).
    const marker = await queue.enqueue({ type: 'mine', queue: 'q1' })
    expect((await settled(queue, marker.id)).status).toBe('completed')
    expect((await queue.get(otherQueue.id)).status).toBe('pending')
    expect((await queue.get(otherType.id)).status).toBe('pending')
  })

  it('resumes claiming when a paused queue is resumed', async () => {
    const queue = await memoryQueue()
    await queue.pause('slow')
    const task = await queue.enqueue({ type: 'job', queue: 'slow' })
    await startWorker({ queue, handlers: { job: async () => 'ran' } })
    // Not taken while paused: a later task in another queue is done first.
    const marker = await queue.enqueue({ type: 'job', queue: 'fast' })
    expect((await settled(queue, marker.id)).status).toBe('completed')
    expect((await queue.get(task.id)).status).toBe('pending')
    await queue.resume('slow')
    expect((await settled(queue, task.id)).status).toBe('completed')
  })

  it('throttles progress to about one event per second and always records the last value', async () => {
    const queue = await memoryQueue()
    const task = await queue.enqueue({ type: 'chatty' })
    await startWorker({
      queue,
      handlers: {
        chatty: async (_task, ctx) => {
          for (let i = 1; i <= 200; i++) ctx.progress(i / 200, `step ${i}`)
          await sleep(20)
          return 'done'
        },
      },
    })
    const done = await settled(queue, task.id)
    const progressEvents = (await queue.activity({ taskId: task.id })).filter((a) => a.kind === 'progress')
    expect(progressEvents.length).toBeGreaterThanOrEqual(1)
    expect(progressEvents.length).toBeLessThanOrEqual(3)
    expect(done.executions?.[0]?.progress).toBe(1)
    expect(done.executions?.[0]?.progressMessage).toBe('step 200')
  })

  it('registers in the runner registry on start and marks itself stopped on stop', async () => {
    const queue = await memoryQueue()
    const worker = await startWorker({ queue, handlers: { a: async () => 1, b: async () => 2 }, concurrency: 4, runnerId: 'test-runner' })
    const row = () => queue.store.query({ query: `SELECT * FROM runners WHERE id = 'test-runner'`, bindValues: {} }) as Array<Record<string, unknown>>
    expect(row()[0]).toMatchObject({ status: 'running', pid: process.pid, concurrency: 4, types: '["a","b"]' })
    await worker.stop()
    expect(row()[0]).toMatchObject({ status: 'stopped' })
    expect(worker.state()).toBe('stopped')
  })

  it('rejects bad options before starting', async () => {
    const queue = await memoryQueue()
    expect(() => createWorker({ queue, handlers: {} })).toThrow(/handlers/)
    expect(() => createWorker({ queue, handlers: { a: async () => 1 }, concurrency: 0 })).toThrow(/concurrency/)
    expect(() => createWorker({ queue, handlers: { a: async () => 1 }, escalation: { a: { onFailure: 'a' } } })).toThrow(/escalation/)
    expect(() => createWorker({ server: 'ftp://example.com', handlers: { a: async () => 1 } })).toThrow(/server/)
    expect(() => createWorker({ queue, server: 'http://127.0.0.1:7420', handlers: { a: async () => 1 } } as never)).toThrow(/exactly one of queue/)
  })
})
