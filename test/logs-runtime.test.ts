import { describe, expect, it } from 'vitest'
import type { LoggedLine } from '../events/logs.js'
import { LogBuffer } from '../src/runtime/logBuffer.js'
import { deferred, diskQueue, memoryQueue, settled, startWorker, tempDir, TRANSPORTS, workerOn } from './helpers/runtime.js'
import { until } from './helpers/queue.js'
import { spawnWorker } from './helpers/runtimeProcess.js'

describe('LogBuffer', () => {
  it("sends every execution's lines in one batch, at most once per interval; flush sends at once", async () => {
    const sends: Array<{ at: number; lines: LoggedLine[] }> = []
    const buffer = new LogBuffer(
      async (lines) => void sends.push({ at: Date.now(), lines }),
      (e) => {
        throw e
      },
      { intervalMs: 300 },
    )
    for (let e = 0; e < 20; e++) buffer.open(`e${e}`)
    // 1,000 lines from 20 executions in one go: one send.
    for (let i = 0; i < 1_000; i++) buffer.log(`e${i % 20}`, `line ${i}`, { i })
    await buffer.flush()
    expect(sends).toHaveLength(1)
    expect(sends[0]?.lines).toHaveLength(1_000)
    expect(new Set(sends[0]?.lines.map((l) => l.executionId)).size).toBe(20)
    // Each execution numbers its lines from 1.
    expect(sends[0]?.lines.filter((l) => l.executionId === 'e3').map((l) => l.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    // More lines right after a send wait for the interval (a lower bound: a slow machine only delays it).
    buffer.log('e0', 'later')
    const sent = deferred()
    const check = setInterval(() => sends.length === 2 && sent.resolve(), 20)
    await sent.promise
    clearInterval(check)
    expect((sends[1]?.at ?? 0) - (sends[0]?.at ?? 0)).toBeGreaterThanOrEqual(290)
    expect(sends[1]?.lines.map((l) => [l.seq, l.message])).toEqual([[51, 'later']])
    await buffer.dispose()
  })

  it("keeps at most an execution's bound pending (its newest lines), so the gap in seq counts the dropped ones", async () => {
    const sends: LoggedLine[][] = []
    const buffer = new LogBuffer(
      async (lines) => void sends.push(lines),
      () => {},
      { intervalMs: 60_000 },
    )
    buffer.open('e')
    for (let i = 1; i <= 1_500; i++) buffer.log('e', `line ${i}`)
    await buffer.flush()
    const lines = sends.flat()
    expect(lines).toHaveLength(1_000)
    expect(lines[0]?.seq).toBe(501)
    expect(() => buffer.log('e', 'x', ['no'] as never)).toThrow(/fields/)
    buffer.close('e')
    buffer.log('e', 'after the end') // not kept
    await buffer.dispose()
    expect(sends.flat()).toHaveLength(1_000)
  })
})

describe('LogBuffer, serial (a remote worker)', () => {
  it('sends one batch at a time: lines logged while the host does not answer wait in the bounded buffer; flush waits for them', async () => {
    const answers: Array<ReturnType<typeof deferred<void>>> = []
    const sends: LoggedLine[][] = []
    const buffer = new LogBuffer(
      (lines) => {
        sends.push(lines)
        const answer = deferred()
        answers.push(answer)
        return answer.promise
      },
      () => {},
      { intervalMs: 10, serial: true },
    )
    buffer.open('e')
    buffer.log('e', 'one')
    const flushed = buffer.flush() // sends 'one'; the host does not answer yet
    for (let i = 2; i <= 1_500; i++) buffer.log('e', `line ${i}`)
    await until('the first batch is sent', () => sends.length === 1)
    // However long the host is away, one request is out and the rest wait, bounded: another
    // flush (which sends at once when nothing is out) sends nothing while 'one' is unanswered,
    // not even once every promise settled (one whole turn of the event loop later).
    const again = buffer.flush()
    await new Promise((resolve) => setImmediate(resolve))
    expect(sends).toHaveLength(1)
    answers[0]?.resolve()
    await flushed
    const second = deferred()
    const check = setInterval(() => sends.length === 2 && second.resolve(), 5)
    await second.promise
    clearInterval(check)
    expect(sends[1]).toHaveLength(1_000)
    expect(sends[1]?.[0]?.seq).toBe(501)
    answers[1]?.resolve()
    await again
    await buffer.dispose()
  })
})

describe.each(TRANSPORTS)('kept logs and checkpoints in the worker runtime (%s)', (transport) => {
  const start = workerOn(transport)

  it('ctx.log lines are kept with their execution, all of them before the completion is reported', async () => {
    const queue = await memoryQueue()
    const tasks = await queue.enqueueMany(Array.from({ length: 4 }, (_, i) => ({ type: 'agent', payload: i })))
    await start({
      queue,
      concurrency: 4,
      handlers: {
        agent: async (task, ctx) => {
          ctx.log('step 1', { task: task.payload as number, step: 1 })
          // Once a batch went out, the next waits for the interval (1 s): only the flush before
          // the report can bring the lines below to the store before the completion.
          await until('the first line is kept', async () => (await queue.logs(task.id)).items.length > 0)
          for (let step = 2; step <= 30; step++) ctx.log(`step ${step}`, { task: task.payload as number, step })
          return 'done'
        },
      },
    })
    for (const t of tasks) {
      // Once wait() says completed, every line is there.
      const done = await settled(queue, t.id)
      expect(done.status).toBe('completed')
      const logs = done.executions?.[0]?.logs ?? []
      expect(logs.map((l) => l.message)).toEqual(Array.from({ length: 30 }, (_, i) => `step ${i + 1}`))
      expect(logs[29]?.fields).toEqual({ task: t.payload, step: 30 })
    }
  })

  it('the next attempt sees the checkpoint the failed one saved (ctx.lastCheckpoint), and logs per attempt', async () => {
    const queue = await memoryQueue()
    const task = await queue.enqueue({ type: 'agent', maxAttempts: 3, backoff: 'immediate' })
    const seen: unknown[] = []
    await start({
      queue,
      handlers: {
        agent: async (_task, ctx) => {
          seen.push(ctx.lastCheckpoint)
          const done = (ctx.lastCheckpoint as { steps?: number } | undefined)?.steps ?? 0
          ctx.log(`resuming after ${done} steps`)
          await ctx.saveCheckpoint({ steps: done + 1 })
          if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt} fails after its step`)
          return { steps: done + 1 }
        },
      },
    })
    const done = await settled(queue, task.id)
    expect(done.status).toBe('completed')
    expect(seen).toEqual([undefined, { steps: 1 }, { steps: 2 }])
    expect(done.result).toEqual({ steps: 3 })
    expect(done.checkpoint).toMatchObject({ data: { steps: 3 }, attempt: 3 })
    expect(done.executions?.map((e) => e.logs?.map((l) => l.message))).toEqual([
      ['resuming after 0 steps'],
      ['resuming after 1 steps'],
      ['resuming after 2 steps'],
    ])
  })
})

describe('checkpoints across a killed worker process', () => {
  it('a worker killed with SIGKILL after saving a checkpoint: the next attempt resumes from it', async () => {
    const dataDir = tempDir()
    const setup = await diskQueue(dataDir)
    const task = await setup.enqueue({ type: 'job', backoff: 'immediate', maxAttempts: 5 })
    await setup.close()
    const proc = spawnWorker({ DATA_DIR: dataDir, MODE: 'checkpoint', LEASE_MS: '1000', HEARTBEAT_MS: '300' })
    const started = await proc.next('started')
    await proc.next('checkpointed') // resolved: the checkpoint is on disk
    proc.child.kill('SIGKILL')
    expect((await proc.exited).signal).toBe('SIGKILL')

    const queue = await diskQueue(dataDir)
    let resumedFrom: unknown
    await startWorker({
      queue,
      handlers: {
        job: async (_t, ctx) => {
          resumedFrom = ctx.lastCheckpoint
          return 'resumed'
        },
      },
    })
    const done = await settled(queue, task.id)
    expect(done.status).toBe('completed')
    // On a very busy machine the child may have re-claimed once before it died; the last
    // checkpoint it saved is the one seen.
    expect(resumedFrom).toMatchObject({ savedBy: expect.any(String) })
    expect((resumedFrom as { step: number }).step).toBeGreaterThanOrEqual(started.attempt as number)
    expect(done.checkpoint?.data).toEqual(resumedFrom)
  })
})
