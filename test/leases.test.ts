import { describe, expect, it } from 'vitest'
import { openQueue } from '../src/index.js'
import { Reaper } from '../src/runtime/reaper.js'
import { manualClock, memoryQueue, tempDir, until } from './helpers/queue.js'

/**
 * Leases live in the host's memory between a claim and the report (src/queue/leases.ts): a
 * heartbeat writes no event, the reaper expires by the later of the stored and the remembered
 * deadline, and a restarted host gives every processing task a full period before expiring it.
 */
describe('leases kept in memory', () => {
  it('a heartbeat writes nothing, keeps the task past its stored deadline, and the lease runs out after the last one', async () => {
    const { queue, clock } = await memoryQueue()
    const task = await queue.enqueue({ type: 't' })
    const [claim] = await queue.claim({ runnerId: 'r1', leaseMs: 1_000 })
    if (!claim) throw new Error('nothing claimed')
    const before = { ...queue.owned.commitTotals }
    for (let i = 0; i < 5; i++) {
      clock.advance(800)
      expect(await queue.heartbeat(claim.executionId, { leaseMs: 1_000, runnerId: 'r1' })).toMatchObject({ accepted: true, leaseUntil: clock.now() + 1_000 })
      expect(await queue.expireLeases()).toEqual([])
    }
    // 4 s after a 1 s lease: five heartbeats held it, and none of them was a commit.
    expect(queue.owned.commitTotals).toEqual(before)
    expect((await queue.get(task.id)).status).toBe('processing')
    expect(queue.nextLeaseDeadline()).toBe(clock.now() + 1_000)
    clock.advance(1_001)
    expect(await queue.expireLeases()).toEqual([task.id])
    expect(await queue.heartbeat(claim.executionId, { runnerId: 'r1' })).toMatchObject({ accepted: false })
    expect((await queue.get(task.id)).status).toBe('pending')
    await queue.close()
  })

  it('a host restart mid-lease neither loses nor double-runs the task', async () => {
    const dataDir = tempDir()
    const clock = manualClock()
    let queue = await openQueue({ dataDir, now: clock.now })
    const survivor = await queue.enqueue({ type: 't', payload: { n: 1 } })
    const orphan = await queue.enqueue({ type: 't', payload: { n: 2 } })
    const [a, b] = await queue.claim({ runnerId: 'r1', limit: 2, leaseMs: 10_000 })
    if (!a || !b) throw new Error('expected two claims')
    const byTask = new Map([
      [a.task.id, a],
      [b.task.id, b],
    ])
    clock.advance(9_000)
    await queue.heartbeat(byTask.get(survivor.id)!.executionId, { leaseMs: 10_000 })
    await queue.close()

    // Restart 5 s later: both stored deadlines (claim + 10 s) have passed, the heartbeat was only in memory.
    clock.advance(5_000)
    queue = await openQueue({ dataDir, now: clock.now })
    queue.rearmLeases()
    expect(await queue.expireLeases()).toEqual([])
    expect(await queue.claim({ runnerId: 'r2' })).toEqual([])
    // The worker that kept running through the restart heartbeats again and completes.
    clock.advance(9_000)
    expect(await queue.heartbeat(byTask.get(survivor.id)!.executionId, { leaseMs: 10_000 })).toMatchObject({ accepted: true })
    // The other one's worker died with the host: one full period after the restart it expires.
    clock.advance(1_001)
    expect(await queue.expireLeases()).toEqual([orphan.id])
    expect(await queue.complete(byTask.get(survivor.id)!.executionId, 'done')).toMatchObject({ accepted: true })
    // It runs again once its retry backoff has passed, exactly once.
    clock.set((await queue.get(orphan.id)).processAfter)
    const [again] = await queue.claim({ runnerId: 'r2' })
    expect(again?.task.id).toBe(orphan.id)
    expect(again?.attempt).toBe(2)
    expect(await queue.claim({ runnerId: 'r2' })).toEqual([])
    expect((await queue.get(survivor.id)).executions).toHaveLength(1)
    expect((await queue.get(orphan.id)).executions?.map((x) => x.status)).toEqual(['expired', 'running'])
    await queue.close()
  })
})

describe('the reaper after a restart', () => {
  it('expires an execution a dead host left behind one lease period after it starts, by itself', async () => {
    const dataDir = tempDir()
    let queue = await openQueue({ dataDir })
    const task = await queue.enqueue({ type: 't' })
    await queue.claim({ runnerId: 'gone', leaseMs: 1_000 })
    await queue.close()
    queue = await openQueue({ dataDir })
    const expired: string[][] = []
    const reaper = new Reaper(
      queue,
      (ids) => expired.push(ids),
      (error) => {
        throw error
      },
    )
    const startedAt = Date.now()
    await reaper.start()
    // Re-armed for a full period (1 s) from the start: not expired at once, expired after it.
    expect((await queue.get(task.id)).status).toBe('processing')
    await until('the reaper expired the orphaned execution', () => expired.flat().includes(task.id))
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000)
    expect((await queue.get(task.id)).executions?.[0]?.status).toBe('expired')
    reaper.stop()
    await queue.close()
  })
})
