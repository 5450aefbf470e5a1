import { afterEach, describe, expect, it } from 'vitest'
import { createWorker } from '../src/index.js'
import type { TaskQueue } from '../src/taskQueue/TaskQueue.js'
import { memoryQueue, until } from './helpers/queue.js'
import { startTestServer, type TestServer } from './helpers/server.js'

/**
 * A claim made while the open group commit queues a task it could take goes into that commit,
 * after the enqueue (src/queue/claim.ts, GroupCommit.openQueued): an idle worker's pickup is one
 * commit instead of two back to back. The claim materializer still picks the tasks, so the
 * ordering contract holds; a claim that could take nothing still commits nothing.
 */
const totals = (queue: TaskQueue) => ({ ...queue.owned.commitTotals })
const since = (queue: TaskQueue, before: { commits: number; events: number }) => ({
  commits: queue.owned.commitTotals.commits - before.commits,
  events: queue.owned.commitTotals.events - before.events,
})

describe('a claim rides the commit of the enqueue that makes its task eligible', () => {
  it('a claim in the enqueue’s turn takes the task in the same commit, the best one by priority', async () => {
    const { queue } = await memoryQueue()
    const before = totals(queue)
    const [queued, claims] = await Promise.all([
      queue.enqueueMany([
        { type: 't', priority: 1 },
        { type: 't', priority: 7 },
      ]),
      queue.claim({ runnerId: 'r', types: ['t'], limit: 1 }),
    ])
    expect(since(queue, before)).toEqual({ commits: 1, events: 2 })
    expect(claims.map((c) => c.task.id)).toEqual([queued[1]!.id])
    expect((await queue.get(queued[0]!.id)).status).toBe('pending')
    await queue.close()
  })

  it('commits no claim for a queued task it could not take: delayed, blocked, another type or queue, a paused queue, rate limits', async () => {
    const { queue } = await memoryQueue()
    const parent = await queue.enqueue({ type: 'parent' })
    await queue.pause('held')
    const cases = [
      { type: 't', delay: 60_000 },
      { type: 't', dependsOn: [parent.id] },
      { type: 'other' },
      { type: 't', queue: 'elsewhere' },
      { type: 't', queue: 'held' },
    ]
    for (const input of cases) {
      const before = totals(queue)
      const [, claims] = await Promise.all([queue.enqueue(input), queue.claim({ runnerId: 'r', types: ['t'], queues: ['default', 'held'] })])
      expect(
        claims.map((c) => [c.task.type, c.task.queue]),
        JSON.stringify(input),
      ).toEqual([])
      expect(since(queue, before), JSON.stringify(input)).toEqual({ commits: 1, events: 1 })
    }
    // Under a rate limit only committed tasks are looked at: the claim waits for the enqueue's commit.
    await queue.limits.set('t', { max: 5, perMs: 60_000 })
    const before = totals(queue)
    const [, claims] = await Promise.all([queue.enqueue({ type: 't' }), queue.claim({ runnerId: 'r', types: ['t'], queues: ['default'] })])
    expect(claims).toEqual([])
    expect(since(queue, before)).toEqual({ commits: 1, events: 1 })
    await queue.close()
  })

  it('an idle in-process worker starts a task one commit after the enqueue', async () => {
    const { queue } = await memoryQueue()
    const startedAfter: Array<{ commits: number; events: number }> = []
    let before = totals(queue)
    const worker = createWorker({
      queue,
      concurrency: 2,
      handlers: {
        t: async () => {
          startedAfter.push(since(queue, before))
        },
      },
    })
    await worker.start()
    for (let i = 0; i < 3; i++) {
      await until('the worker is idle', async () => (await queue.stats()).byStatus.processing === 0)
      before = totals(queue)
      await queue.enqueue({ type: 't' })
      await until('the handler started', () => startedAfter.length === i + 1)
    }
    // The enqueue and the claim in one commit (two events), every time.
    expect(startedAfter).toEqual([
      { commits: 1, events: 2 },
      { commits: 1, events: 2 },
      { commits: 1, events: 2 },
    ])
    await worker.stop()
    await queue.close()
  })
})

describe('over HTTP', () => {
  let t: TestServer
  afterEach(async () => {
    await t?.close()
  })

  it('a waiting long-poll claim is answered from the enqueue’s own commit', async () => {
    t = await startTestServer()
    const claim = t.api('POST', '/api/claims', { body: { runnerId: 'r', types: ['job'], waitMs: 10_000 } })
    await until('the claim is waiting on the host', () => t.server.waitingClaims() === 1)
    const before = totals(t.queue)
    const task = await t.api('POST', '/api/tasks', { body: { type: 'job' } })
    const answer = await claim
    expect(answer.body.claims.map((c: any) => c.task.id)).toEqual([task.body.id])
    expect(since(t.queue, before)).toEqual({ commits: 1, events: 2 })
  })
})
