import { describe, expect, it } from 'vitest'
import type { EnqueueInput } from '../src/index.js'
import { memoryQueue } from './helpers/queue.js'

/**
 * The ordering contract (README, "Concepts": the ordering contract; src/queue/claim.ts), as one table. Each row enqueues tasks
 * (with `at`: ms after the start, the task's createdAt) and lists the order `claim` takes them.
 */
type Row = {
  name: string
  tasks: Array<EnqueueInput & { id: string; at?: number }>
  paused?: string[]
  /** ms after the start at which the claims happen. (Default: 1000) */
  claimAt?: number
  order: string[]
}

const table: Row[] = [
  {
    name: 'higher priority first',
    tasks: [
      { id: 'low', type: 't', priority: 'low' },
      { id: 'critical', type: 't', priority: 'critical' },
      { id: 'normal', type: 't' },
      { id: 'high', type: 't', priority: 'high' },
      { id: 'p100', type: 't', priority: 100 },
      { id: 'p0', type: 't', priority: 0 },
    ],
    order: ['p100', 'critical', 'high', 'normal', 'low', 'p0'],
  },
  {
    name: 'same priority: older createdAt first',
    tasks: [
      { id: 'c', type: 't', at: 30 },
      { id: 'a', type: 't', at: 10 },
      { id: 'b', type: 't', at: 20 },
    ],
    order: ['a', 'b', 'c'],
  },
  {
    name: 'same priority and createdAt: id ascending',
    tasks: [
      { id: 'z', type: 't', at: 5 },
      { id: 'm', type: 't', at: 5 },
      { id: 'a', type: 't', at: 5 },
    ],
    order: ['a', 'm', 'z'],
  },
  {
    name: 'not before processAfter',
    tasks: [
      { id: 'later', type: 't', priority: 'critical', delay: 5_000 },
      { id: 'now', type: 't', priority: 'low' },
      { id: 'due', type: 't', delay: 500 },
    ],
    claimAt: 1_000,
    order: ['due', 'now'],
  },
  {
    name: 'paused queues are skipped',
    tasks: [
      { id: 'paused', type: 't', queue: 'slow', priority: 'critical' },
      { id: 'running', type: 't', queue: 'fast' },
    ],
    paused: ['slow'],
    order: ['running'],
  },
  {
    name: 'dependencies must be completed first',
    tasks: [
      { id: 'parent', type: 't', priority: 'low', at: 1 },
      { id: 'child', type: 't', priority: 'critical', dependsOn: ['parent'], at: 2 },
      { id: 'other', type: 't', at: 3 },
    ],
    order: ['other', 'parent'],
  },
]

describe('the ordering contract', () => {
  /** A fresh queue with the row's tasks, its clock at the claim time. */
  const setUp = async (row: Row) => {
    const { queue, clock } = await memoryQueue()
    const start = clock.now()
    for (const { at, ...task } of row.tasks) {
      clock.set(start + (at ?? 0))
      await queue.enqueue(task)
    }
    for (const q of row.paused ?? []) await queue.pause(q)
    clock.set(start + (row.claimAt ?? 1_000))
    return queue
  }

  it.each(table)('$name', async (row) => {
    const queue = await setUp(row)
    const taken: string[] = []
    for (;;) {
      const [claim] = await queue.claim({ runnerId: 'r' })
      if (!claim) break
      taken.push(claim.task.id)
    }
    expect(taken).toEqual(row.order)
    await queue.close()
    // One claim with a limit takes the same tasks in the same order.
    const again = await setUp(row)
    const batch = await again.claim({ runnerId: 'r', limit: 100 })
    expect(batch.map((c) => c.task.id)).toEqual(row.order)
    await again.close()
  })

  it('a batch claim takes tasks in the same order as single claims', async () => {
    const { queue } = await memoryQueue()
    await queue.enqueueMany([
      { id: 'b', type: 't' },
      { id: 'a', type: 't' },
      { id: 'hi', type: 't', priority: 'high' },
      { id: 'lo', type: 't', priority: 'low' },
    ])
    const claims = await queue.claim({ runnerId: 'r', limit: 10 })
    expect(claims.map((c) => c.task.id)).toEqual(['hi', 'a', 'b', 'lo'])
    await queue.close()
  })

  it('a dependent becomes eligible once every dependency completed', async () => {
    const { queue } = await memoryQueue()
    await queue.enqueueMany([
      { id: 'd1', type: 't' },
      { id: 'd2', type: 't' },
      { id: 'report', type: 't', priority: 'critical', dependsOn: ['d1', 'd2'] },
    ])
    const [c1, c2] = await queue.claim({ runnerId: 'r', limit: 2 })
    await queue.complete(c1!.executionId)
    expect(await queue.claim({ runnerId: 'r' })).toEqual([])
    await queue.complete(c2!.executionId)
    const [next] = await queue.claim({ runnerId: 'r' })
    expect(next?.task.id).toBe('report')
    await queue.close()
  })
})
