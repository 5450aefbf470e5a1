import { describe, expect, it } from 'vitest'
import { memoryQueue, settled, TRANSPORTS, workerOn } from './helpers/runtime.js'

type ExecRow = { taskId: string; attempt: number; status: string; startedAt: number; finishedAt: number | null }

const executions = async (queue: Awaited<ReturnType<typeof memoryQueue>>) =>
  (await queue.query('SELECT taskId, attempt, status, startedAt, finishedAt FROM taskExecutions ORDER BY startedAt, id')).rows as ExecRow[]

describe.each(TRANSPORTS)('rate limits in a running worker (%s)', (transport) => {
  const startWorker = workerOn(transport)

  it('ctx.rateLimited(ms): the task runs again after ms with its attempt given back, and the whole type waits as long', async () => {
    const queue = await memoryQueue()
    const PAUSE_MS = 400
    let first = true
    const [a, b] = await queue.enqueueMany([
      { type: 'llm', maxAttempts: 1, payload: 'a', priority: 9 },
      { type: 'llm', maxAttempts: 1, payload: 'b', priority: 1 },
    ])
    const other = await queue.enqueue({ type: 'other', payload: 'c', priority: 0 })
    const rateLimitedHooks: number[] = []
    await startWorker({
      queue,
      concurrency: 1,
      handlers: {
        llm: async (task, ctx) => {
          if (first) {
            first = false
            ctx.rateLimited(PAUSE_MS)
          }
          return task.payload
        },
        other: async () => 'ok',
      },
      hooks: { 'task:rateLimited': (e) => rateLimitedHooks.push(e.delayMs) },
    })
    const done = await Promise.all([a!, b!, other].map((t) => settled(queue, t.id)))
    // maxAttempts 1, yet `a` completed: the rate-limited attempt did not count.
    expect(done.map((t) => t.status)).toEqual(['completed', 'completed', 'completed'])
    expect(done[0]!.attempts).toBe(1)
    expect(rateLimitedHooks).toEqual([PAUSE_MS])
    const rows = await executions(queue)
    const limited = rows.find((r) => r.status === 'rateLimited')!
    expect(limited).toMatchObject({ taskId: a!.id, attempt: 1 })
    const retryAt = limited.finishedAt! + PAUSE_MS
    // Claim timestamps: no llm task started inside the pause (neither the retry nor `b`); the
    // other type was not held up (it ran inside the pause window, before the retry).
    const llmStarts = rows.filter((r) => r.taskId !== other.id && r !== limited).map((r) => r.startedAt)
    expect(llmStarts).toHaveLength(2)
    for (const at of llmStarts) expect(at).toBeGreaterThanOrEqual(retryAt)
    expect(rows.find((r) => r.taskId === other.id)!.startedAt).toBeLessThan(retryAt)
    const activity = await queue.activity({ taskId: a!.id })
    expect(activity.map((e) => e.kind)).toContain('rate-limited')
  })

  it('a worker waiting on a used-up window claims again when the window moves on, with no other write to wake it', async () => {
    const queue = await memoryQueue()
    await queue.limits.set('t', { max: 2, perMs: 500 })
    const tasks = await queue.enqueueMany(Array.from({ length: 5 }, (_, i) => ({ type: 't', payload: i })))
    await startWorker({ queue, concurrency: 5, handlers: { t: async () => 'ok' } })
    await Promise.all(tasks.map((t) => settled(queue, t.id)))
    const starts = (await executions(queue)).map((r) => r.startedAt)
    expect(starts).toHaveLength(5)
    // Never more than 2 in any 500 ms: the 3rd starts ≥ 500 ms after the 1st, the 5th after the 3rd.
    expect(starts[2]! - starts[0]!).toBeGreaterThanOrEqual(500)
    expect(starts[4]! - starts[2]!).toBeGreaterThanOrEqual(500)
  })
})
