import { describe, expect, it } from 'vitest'
import { readWorkingSet } from '../src/epochs/workingSet.js'
import { openQueue } from '../src/index.js'
import { expectRefused, memoryQueue } from './helpers/queue.js'

/** Every claim of these tasks, as the executions recorded them: (startedAt, taskId). */
const claimTimes = async (queue: Awaited<ReturnType<typeof memoryQueue>>['queue']) =>
  (await queue.query(`SELECT x.startedAt AS at, t.type, t.queue FROM taskExecutions x JOIN workerTasks t ON t.id = x.taskId ORDER BY x.startedAt, x.id`))
    .rows as Array<{ at: number; type: string; queue: string }>

/** The most claims of `rows` inside any window of `perMs` (a sliding window over the claim times). */
const busiestWindow = (times: number[], perMs: number): number => {
  let most = 0
  for (let i = 0; i < times.length; i++) {
    let n = 0
    for (let j = i; j < times.length && times[j]! < times[i]! + perMs; j++) n++
    most = Math.max(most, n)
  }
  return most
}

describe('rate limits (queue.limits)', () => {
  it('at most max claims of a type per window, across claimers; other types go on', async () => {
    const { queue, clock } = await memoryQueue()
    await queue.limits.set('llm', { max: 3, perMs: 60_000 })
    await queue.enqueueMany(Array.from({ length: 10 }, (_, i) => ({ type: 'llm', priority: 9, payload: i })))
    await queue.enqueueMany(Array.from({ length: 4 }, () => ({ type: 'other', priority: 1 })))
    // One batch claim asks for 10: 3 llm (the limit), then the other type fills the rest.
    const first = await queue.claim({ runnerId: 'a', limit: 10 })
    expect(first.map((c) => c.task.type)).toEqual(['llm', 'llm', 'llm', 'other', 'other', 'other', 'other'])
    expect(await queue.claim({ runnerId: 'b', limit: 10 })).toEqual([])
    expect(await queue.limits.get('llm')).toMatchObject({ scope: 'type', name: 'llm', max: 3, perMs: 60_000, used: 3, nextClaimAt: clock.now() + 60_000 })
    clock.advance(59_999)
    expect(await queue.claim({ runnerId: 'b', limit: 10 })).toEqual([])
    clock.advance(1)
    expect((await queue.claim({ runnerId: 'b', limit: 10 })).map((c) => c.task.type)).toEqual(['llm', 'llm', 'llm'])
    // Claims spread over time: never more than 3 in any 60 s.
    for (let i = 0; i < 8; i++) {
      clock.advance(17_000)
      await queue.claim({ runnerId: 'c', limit: 2 })
    }
    const llm = (await claimTimes(queue)).filter((r) => r.type === 'llm').map((r) => r.at)
    expect(llm.length).toBe(10)
    expect(busiestWindow(llm, 60_000)).toBe(3)
    await queue.close()
  })

  it('a queue limit counts every type in the queue; a type limit and a queue limit both hold', async () => {
    const { queue } = await memoryQueue()
    await queue.limits.set({ queue: 'openai' }, { max: 4, perMs: 1_000 })
    await queue.limits.set('embed', { max: 1, perMs: 1_000 })
    await queue.enqueueMany([
      ...Array.from({ length: 3 }, () => ({ type: 'embed', queue: 'openai', priority: 9 })),
      ...Array.from({ length: 5 }, () => ({ type: 'chat', queue: 'openai', priority: 5 })),
      ...Array.from({ length: 2 }, () => ({ type: 'chat', priority: 1 })),
    ])
    const claimed = await queue.claim({ runnerId: 'a', limit: 20 })
    const kinds = claimed.map((c) => `${c.task.type}@${c.task.queue}`)
    expect(kinds.filter((k) => k === 'embed@openai')).toHaveLength(1)
    expect(kinds.filter((k) => k.endsWith('@openai'))).toHaveLength(4)
    expect(kinds.filter((k) => k === 'chat@default')).toHaveLength(2)
    // Claim order is still the ordering contract's across the arms.
    expect(claimed.map((c) => c.task.priority)).toEqual([...claimed.map((c) => c.task.priority)].sort((a, b) => b - a))
    await queue.close()
  })

  it('claims one at a time respect the window as well as batch claims do', async () => {
    const { queue, clock } = await memoryQueue()
    await queue.limits.set('t', { max: 2, perMs: 10_000 })
    await queue.enqueueMany(Array.from({ length: 12 }, () => ({ type: 't' })))
    for (let i = 0; i < 60; i++) {
      await queue.claim({ runnerId: `r${i % 3}` })
      clock.advance(1_000)
    }
    const times = (await claimTimes(queue)).map((r) => r.at)
    expect(times.length).toBe(12)
    expect(busiestWindow(times, 10_000)).toBe(2)
    await queue.close()
  })

  it('changing and clearing a limit takes effect at the next claim; list shows what is in force', async () => {
    const { queue } = await memoryQueue()
    await queue.enqueueMany(Array.from({ length: 6 }, () => ({ type: 't' })))
    await queue.limits.set('t', { max: 1, perMs: 60_000 })
    expect(await queue.claim({ runnerId: 'a', limit: 5 })).toHaveLength(1)
    await queue.limits.set('t', { max: 3, perMs: 60_000 })
    expect(await queue.claim({ runnerId: 'a', limit: 5 })).toHaveLength(2)
    expect(await queue.limits.list()).toEqual([expect.objectContaining({ scope: 'type', name: 't', max: 3, used: 3, pausedUntil: null })])
    await queue.limits.clear('t')
    expect(await queue.limits.list()).toEqual([])
    expect(await queue.claim({ runnerId: 'a', limit: 5 })).toHaveLength(3)
    await queue.close()
  })

  it('bad limits are refused with the field named and change nothing', async () => {
    const { queue } = await memoryQueue()
    const refused = async (fn: () => Promise<unknown>, field: string) => {
      const e = (await expectRefused(queue, 'ValidationError', fn)) as Error & { field?: string }
      expect(e.field).toBe(field)
    }
    await refused(() => queue.limits.set('t', { max: 0, perMs: 1000 }), 'max')
    await refused(() => queue.limits.set('t', { max: 1.5, perMs: 1000 }), 'max')
    await refused(() => queue.limits.set('t', { max: 1, perMs: 0 }), 'perMs')
    await refused(() => queue.limits.set('t', { max: 1, perMs: 1e20 }), 'perMs')
    await refused(() => queue.limits.set('bad name!', { max: 1, perMs: 1000 }), 'type')
    await refused(() => queue.limits.set({ queue: '' }, { max: 1, perMs: 1000 }), 'queue')
    await refused(() => queue.limits.set('t', null as never), 'max')
    await queue.close()
  })

  it('limits, pauses and their windows travel to the next epoch: the window goes on there', async () => {
    const { queue: old, clock } = await memoryQueue()
    await old.limits.set('llm', { max: 2, perMs: 60_000 })
    await old.limits.set({ queue: 'openai' }, { max: 5, perMs: 1_000 })
    await old.enqueueMany([...Array.from({ length: 4 }, () => ({ type: 'llm' })), { type: 'chat' }, { type: 'chat' }])
    expect(await old.claim({ runnerId: 'a', types: ['llm'], limit: 5 })).toHaveLength(2)
    const [chat] = await old.claim({ runnerId: 'a', types: ['chat'] })
    // A handler's 429 pauses `chat` for an hour.
    await old.fail(chat!.executionId, new Error('429'), { rateLimitedMs: 3_600_000 })
    clock.advance(30_000)
    const ws = readWorkingSet(old.store, { epoch: 1, fromStoreId: 'livequeue' })
    expect(ws.rows).toMatchObject({ rateLimits: 3, rateLimitClaims: 2 })
    const fresh = await openQueue({ inMemory: true, now: clock.now, random: () => 0.5 })
    await fresh.owned.group.submit(ws.events)
    const table = (q: typeof old, t: string) => q.store.query({ query: `SELECT * FROM ${t} ORDER BY 1, 2, 3`, bindValues: {} })
    for (const t of ['rateLimits', 'rateLimitClaims']) expect(table(fresh, t)).toEqual(table(old, t))
    expect(await fresh.limits.list()).toEqual(await old.limits.list())
    // The window of the old epoch still counts: no llm claim until it moves on; chat stays paused.
    expect(await fresh.claim({ runnerId: 'b', limit: 10 })).toEqual([])
    clock.advance(30_000)
    expect((await fresh.claim({ runnerId: 'b', limit: 10 })).map((c) => c.task.type)).toEqual(['llm', 'llm'])
    clock.advance(3_600_000)
    expect((await fresh.claim({ runnerId: 'b', limit: 10 })).map((c) => c.task.type)).toEqual(['chat', 'chat'])
    await old.close()
    await fresh.close()
  })
})
