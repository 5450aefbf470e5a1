import { describe, expect, it } from 'vitest'
import { memoryQueue } from './helpers/queue.js'

/**
 * A claim is one `NextTasksClaimed` event whose materializer picks the tasks when it is applied
 * (src/queue/claim.ts), so calls made in the same turn share one commit: a worker's completions
 * and its next claim, or the claims of several workers. These pin what that commit means.
 */
describe('completions and claims in one commit', () => {
  it('a claim sees the completions ahead of it: a dependent they unblock is claimed first by priority', async () => {
    const { queue } = await memoryQueue()
    const parent = await queue.enqueue({ type: 't', priority: 1 })
    const [running] = await queue.claim({ runnerId: 'r1' })
    const low = await queue.enqueue({ type: 't', priority: 2 })
    const child = await queue.enqueue({ type: 't', priority: 9, dependsOn: [parent.id] })
    const before = queue.owned.commitTotals.commits
    // Same turn: the completion and the claim go into one commit, in this order.
    const [completed, claims] = await Promise.all([queue.complete(running!.executionId, 'ok'), queue.claim({ runnerId: 'r1', limit: 1 })])
    expect(queue.owned.commitTotals.commits - before).toBe(1)
    expect(completed).toMatchObject({ accepted: true })
    expect(claims.map((c) => c.task.id)).toEqual([child.id])
    expect((await queue.get(low.id)).status).toBe('pending')
    await queue.close()
  })

  it('claims of several workers in one turn share a commit and never take the same task', async () => {
    const { queue } = await memoryQueue()
    const tasks = await queue.enqueueMany([5, 9, 1, 7, 3, 8].map((priority) => ({ type: 't', priority })))
    const before = queue.owned.commitTotals.commits
    const [a, b, c] = await Promise.all([
      queue.claim({ runnerId: 'a', limit: 2 }),
      queue.claim({ runnerId: 'b', limit: 2 }),
      queue.claim({ runnerId: 'c', limit: 5 }),
    ])
    expect(queue.owned.commitTotals.commits - before).toBe(1)
    const priorityOf = (id: string) => tasks.find((t) => t.id === id)!.priority
    // Applied in call order: a takes the best two, b the next two, c what is left.
    expect(a!.map((x) => priorityOf(x.task.id))).toEqual([9, 8])
    expect(b!.map((x) => priorityOf(x.task.id))).toEqual([7, 5])
    expect(c!.map((x) => priorityOf(x.task.id))).toEqual([3, 1])
    expect(c!.every((x) => x.task.runnerId === 'c' && x.attempt === 1)).toBe(true)
    await queue.close()
  })

  it('a cancel ahead of the claim in the commit wins: the cancelled task is not claimed', async () => {
    const { queue } = await memoryQueue()
    const doomed = await queue.enqueue({ type: 't', priority: 9 })
    const other = await queue.enqueue({ type: 't', priority: 1 })
    const [cancelled, claims] = await Promise.all([queue.cancel(doomed.id), queue.claim({ runnerId: 'r1', limit: 2 })])
    expect(cancelled.status).toBe('cancelled')
    expect(claims.map((c) => c.task.id)).toEqual([other.id])
    await queue.close()
  })

  it("a completion issued with a cancel request ends the task cancelled; a stale execution's completion beside a new claim stays fenced off", async () => {
    const { queue, clock } = await memoryQueue()
    const task = await queue.enqueue({ type: 't' })
    const [first] = await queue.claim({ runnerId: 'r1', leaseMs: 1_000 })
    clock.advance(1_001)
    // The lease ran out: the task goes back and is claimed again, and the stale execution's late
    // completion, in the same commit as the new claim, is recorded and changes nothing.
    await queue.expireLeases()
    clock.set((await queue.get(task.id)).processAfter)
    const [claims, late] = await Promise.all([queue.claim({ runnerId: 'r2' }), queue.complete(first!.executionId, 'late')])
    expect(claims[0]?.attempt).toBe(2)
    expect(late).toMatchObject({ accepted: false })
    expect((await queue.get(task.id)).status).toBe('processing')
    const second = claims[0]!
    // Issued in the same turn (the completion reads the task, so the cancel is committed first).
    const [, done] = await Promise.all([queue.cancel(task.id), queue.complete(second.executionId, 'done anyway')])
    expect(done).toMatchObject({ accepted: true, cancelRequested: true })
    expect((await queue.get(task.id)).status).toBe('cancelled')
    await queue.close()
  })

  it('a claim that finds nothing commits nothing', async () => {
    const { queue } = await memoryQueue()
    await queue.enqueue({ type: 'other' })
    const before = { ...queue.owned.commitTotals }
    expect(await queue.claim({ runnerId: 'r1', types: ['t'] })).toEqual([])
    expect(queue.owned.commitTotals).toEqual(before)
    await queue.close()
  })
})
