import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openQueue, type TaskQueue } from '../src/index.js'
import { expectRefused, memoryQueue, snapshot, tempDir } from './helpers/queue.js'

/** Claims the one eligible task of `type` (fails the test if there is none). */
const claimType = async (queue: TaskQueue, type: string, leaseMs?: number) => {
  const [claim] = await queue.claim({ runnerId: 'runner-1', types: [type], ...(leaseMs ? { leaseMs } : {}) })
  if (!claim) throw new Error(`no ${type} task to claim`)
  return claim
}

const failForGood = async (queue: TaskQueue, type: string) => {
  const claim = await claimType(queue, type)
  await queue.fail(claim.executionId, new Error('upstream gone'), { permanent: true })
  return claim
}

/** a → b → c (each depends on the one before), d depends on a but runs anyway, e depends on d. */
const chain = (queue: TaskQueue) =>
  queue.enqueueMany([
    { id: 'a', type: 'step' },
    { id: 'b', type: 'middle', dependsOn: ['a'] },
    { id: 'c', type: 'last', dependsOn: ['b'] },
    { id: 'd', type: 'cleanup', dependsOn: ['a'], onDependencyFailure: 'run' },
    { id: 'e', type: 'after-cleanup', dependsOn: ['d'] },
  ])

describe('dependency outcomes', () => {
  it('a dependency that fails for good cancels its dependents transitively, with the reason, and releases those that run anyway', async () => {
    const { queue } = await memoryQueue()
    await chain(queue)
    await failForGood(queue, 'step')

    expect(await queue.get('b')).toMatchObject({ status: 'cancelled', cancelReason: 'dependency a (step) failed' })
    expect(await queue.get('c')).toMatchObject({
      status: 'cancelled',
      cancelReason: 'dependency b (middle) was cancelled because a (step) failed',
    })
    expect((await queue.get('c')).finishedAt).not.toBeNull()
    // d runs anyway; e waits for d as usual.
    expect(await queue.get('d')).toMatchObject({ status: 'pending', blockedBy: 0, onDependencyFailure: 'run', cancelReason: null })
    expect(await queue.get('e')).toMatchObject({ status: 'pending', blockedBy: 1 })

    const cancelled = await queue.activity({ kind: 'cancelled' })
    expect(cancelled.map((a) => [a.taskId, a.summary])).toEqual([
      ['b', 'cancelled: dependency a (step) failed'],
      ['c', 'cancelled: dependency b (middle) was cancelled because a (step) failed'],
    ])
    expect((await queue.activity({ taskId: 'd', kind: 'dependency-ended' }))[0]?.summary).toBe('dependency a failed; runs anyway (onDependencyFailure: run)')
    // The failure's own entry comes before the dependents'.
    const order = (await queue.activity()).filter((a) => a.kind !== 'queued').map((a) => `${a.kind}:${a.taskId}`)
    expect(order.slice(-4)).toEqual(['failed:a', 'cancelled:b', 'cancelled:c', 'dependency-ended:d'])

    const d = await claimType(queue, 'cleanup')
    await queue.complete(d.executionId, 'cleaned')
    expect(await queue.get('e')).toMatchObject({ status: 'pending', blockedBy: 0 })
    await queue.close()
  })

  it('cancelling a pending dependency cancels its dependents at once', async () => {
    const { queue } = await memoryQueue()
    await chain(queue)
    await queue.cancel('a')
    expect(await queue.get('b')).toMatchObject({ status: 'cancelled', cancelReason: 'dependency a (step) was cancelled' })
    expect((await queue.get('c')).status).toBe('cancelled')
    expect((await queue.get('d')).blockedBy).toBe(0)
    await queue.close()
  })

  it('a handler that completes after a cancel request ends cancelled, and so do its dependents', async () => {
    const { queue } = await memoryQueue()
    await chain(queue)
    const claim = await claimType(queue, 'step')
    await queue.cancel('a')
    await queue.complete(claim.executionId, 'finished anyway')
    expect((await queue.get('a')).status).toBe('cancelled')
    expect(await queue.get('b')).toMatchObject({ status: 'cancelled', cancelReason: 'dependency a (step) was cancelled' })
    expect((await queue.get('d')).blockedBy).toBe(0)
    await queue.close()
  })

  it('a running dependency cancelled: its dependents end cancelled when the handler stops or fails', async () => {
    const { queue } = await memoryQueue()
    await queue.enqueueMany([
      { id: 'a', type: 'step' },
      { id: 'b', type: 'middle', dependsOn: ['a'] },
      { id: 'x', type: 'other' },
      { id: 'y', type: 'middle', dependsOn: ['x'] },
    ])
    const a = await claimType(queue, 'step')
    await queue.cancel('a')
    expect((await queue.get('b')).status).toBe('pending') // only asked to cancel: a is still running
    await queue.confirmCancelled('a', a.executionId)
    expect(await queue.get('b')).toMatchObject({ status: 'cancelled', cancelReason: 'dependency a (step) was cancelled' })
    const x = await claimType(queue, 'other')
    await queue.cancel('x')
    await queue.fail(x.executionId, new Error('aborted'))
    expect(await queue.get('y')).toMatchObject({ status: 'cancelled', cancelReason: 'dependency x (other) was cancelled' })
    await queue.close()
  })

  it('a lease that expires on the last attempt fails the task for good and cancels its dependents', async () => {
    const { queue, clock } = await memoryQueue()
    await queue.enqueueMany([
      { id: 'a', type: 'step', maxAttempts: 1 },
      { id: 'b', type: 'middle', dependsOn: ['a'] },
    ])
    await claimType(queue, 'step', 1_000)
    clock.advance(2_000)
    expect(await queue.expireLeases()).toEqual(['a'])
    expect(await queue.get('b')).toMatchObject({ status: 'cancelled', cancelReason: 'dependency a (step) failed' })
    await queue.close()
  })

  it('a retry still pending keeps dependents waiting; discarding a dead letter does not release a run-anyway dependent twice', async () => {
    const { queue } = await memoryQueue()
    await queue.enqueueMany([
      { id: 'a', type: 'step', maxAttempts: 2, backoff: 'immediate' },
      { id: 'x', type: 'other' },
      { id: 'b', type: 'middle', dependsOn: ['a'] },
      { id: 'd', type: 'cleanup', dependsOn: ['a', 'x'], onDependencyFailure: 'run' },
    ])
    await queue.fail((await claimType(queue, 'step')).executionId, new Error('transient'))
    expect(await queue.get('b')).toMatchObject({ status: 'pending', blockedBy: 1 })
    await failForGood(queue, 'step')
    expect((await queue.get('d')).blockedBy).toBe(1)
    await queue.cancel('a') // failed → cancelled: the dead letter is discarded
    expect((await queue.get('d')).blockedBy).toBe(1)
    // Retried by hand and failed again: still settled once.
    await queue.retry('a')
    await failForGood(queue, 'step')
    expect((await queue.get('d')).blockedBy).toBe(1)
    await queue.complete((await claimType(queue, 'other')).executionId, null)
    expect((await queue.get('d')).blockedBy).toBe(0)
    await queue.close()
  })

  it('a dependency that already failed or was cancelled refuses a new dependent, unless it runs anyway', async () => {
    const { queue } = await memoryQueue()
    await queue.enqueue({ id: 'a', type: 'step' })
    await failForGood(queue, 'step')
    const refused = await expectRefused(queue, 'ValidationError', () => queue.enqueue({ type: 'late', dependsOn: ['a'] }))
    expect(refused.message).toBe(
      "invalid dependsOn: task a (step) failed for good, so this task could never run; retry a first, or enqueue with onDependencyFailure: 'run'",
    )
    const many = await expectRefused(queue, 'ValidationError', () => queue.enqueueMany([{ type: 'fine' }, { type: 'late', dependsOn: ['a'] }]))
    expect(many.message).toMatch(/^invalid \[1\]\.dependsOn: task a \(step\) failed for good/)

    const anyway = await queue.enqueue({ id: 'r', type: 'late', dependsOn: ['a'], onDependencyFailure: 'run' })
    expect(anyway.onDependencyFailure).toBe('run')
    expect(await queue.get('r')).toMatchObject({ status: 'pending', blockedBy: 0 })
    await expectRefused(queue, 'ValidationError', () => queue.enqueue({ type: 'late', onDependencyFailure: 'maybe' as 'run' }))
    await queue.close()
  })

  it('a cancelled dependent is retried only after its dependency, and then waits for it', async () => {
    const { queue } = await memoryQueue()
    await queue.enqueueMany([
      { id: 'a', type: 'step' },
      { id: 'b', type: 'middle', dependsOn: ['a'] },
    ])
    await failForGood(queue, 'step')
    const refused = await expectRefused(queue, 'ValidationError', () => queue.retry('b'))
    expect(refused.message).toBe('invalid taskId: task b depends on a (step), which failed for good; retry a first, then this task')
    await queue.retry('a')
    expect(await queue.retry('b')).toMatchObject({ status: 'pending', blockedBy: 1, cancelReason: null })
    expect(await queue.claim({ runnerId: 'r', types: ['middle'] })).toEqual([])
    await queue.complete((await claimType(queue, 'step')).executionId, 'ok')
    expect((await claimType(queue, 'middle')).task.id).toBe('b')
    await queue.close()
  })

  it('the state after a cascade is rebuilt the same from the event log alone', async () => {
    const dataDir = tempDir()
    const queue = await openQueue({ dataDir })
    await chain(queue)
    await failForGood(queue, 'step')
    await queue.enqueue({ id: 'f', type: 'step' })
    await queue.enqueue({ id: 'g', type: 'after', dependsOn: ['f', 'd'] })
    await queue.cancel('f')
    const before = snapshot(queue)
    const dependencies = queue.store.query({ query: 'SELECT * FROM taskDependencies ORDER BY taskId, dependsOnId', bindValues: {} })
    await queue.close()
    const storeDir = path.join(dataDir, 'livequeue')
    for (const f of fs.readdirSync(storeDir).filter((f) => f.startsWith('state'))) fs.rmSync(path.join(storeDir, f))
    const rebuilt = await openQueue({ dataDir })
    expect(snapshot(rebuilt)).toEqual(before)
    expect(rebuilt.store.query({ query: 'SELECT * FROM taskDependencies ORDER BY taskId, dependsOnId', bindValues: {} })).toEqual(dependencies)
    expect((await rebuilt.get('g')).status).toBe('cancelled')
    await rebuilt.close()
  })
})
