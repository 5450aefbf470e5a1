import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { events } from '../events/index.js'
import { coalesce } from '../src/store/coalesce.js'
import { openQueue } from '../src/index.js'
import { memoryQueue, queuedTask, snapshot, tempDir } from './helpers/queue.js'

const queued = (id: string) => events.taskQueued(queuedTask(id))
const completed = (taskId: string, executionId: string) => events.taskCompleted({ taskId, executionId, at: 1, result: null })

describe('coalesce', () => {
  it('merges neighbouring events of one kind into one batch event, keeping order', () => {
    const out = coalesce([queued('a'), queued('b'), events.queuePaused({ queue: 'q', at: 1 }), queued('c'), completed('a', 'x'), completed('b', 'y')])
    expect(out.map((e) => e.name)).toEqual(['v1.TasksQueued', 'v1.QueuePaused', 'v1.TaskQueued', 'v1.TasksCompleted'])
    expect((out[0]!.args as { tasks: Array<{ id: string }> }).tasks.map((t) => t.id)).toEqual(['a', 'b'])
  })

  it('ends a run before a task it already holds comes again', () => {
    const out = coalesce([completed('a', 'stale'), completed('b', 'y'), completed('a', 'fresh')])
    expect(out.map((e) => e.name)).toEqual(['v1.TasksCompleted', 'v1.TaskCompleted'])
  })
})

describe('group commit', () => {
  it('completions in one turn commit as one event and mean what they would one by one', async () => {
    const { queue } = await memoryQueue()
    await queue.enqueueMany([
      { id: 'a', type: 't' },
      { id: 'b', type: 't' },
      { id: 'c', type: 't' },
      { id: 'after-ab', type: 't', dependsOn: ['a', 'b'] },
    ])
    const claims = await queue.claim({ runnerId: 'r', limit: 3 })
    expect(claims.map((c) => c.task.id)).toEqual(['a', 'b', 'c'])
    await queue.cancel('c')
    const head = Number(queue.store.syncStatus().localHead.slice(1))
    const answers = await Promise.all(claims.map((c) => queue.complete(c.executionId, c.task.id)))
    expect(answers.map((a) => a.accepted)).toEqual([true, true, true])
    // One event for the three completions.
    expect(Number(queue.store.syncStatus().localHead.slice(1))).toBe(head + 1)
    expect((await queue.get('a')).status).toBe('completed')
    expect((await queue.get('c')).status).toBe('cancelled')
    expect((await queue.get('after-ab')).blockedBy).toBe(0)
    const kinds = (await queue.activity({ limit: 3 })).map((a) => `${a.taskId}:${a.kind}`)
    expect(kinds).toEqual(['a:completed', 'b:completed', 'c:cancelled'])
    await queue.close()
  })

  it('a stale and a fresh completion of one task in one turn: the stale one is ignored, the fresh one counts', async () => {
    const { queue, clock } = await memoryQueue()
    await queue.enqueue({ id: 'x', type: 't', backoff: 'immediate' })
    const [stale] = await queue.claim({ runnerId: 'r', leaseMs: 10 })
    clock.advance(11)
    await queue.expireLeases()
    const [fresh] = await queue.claim({ runnerId: 'r' })
    const [late, good] = await Promise.all([queue.complete(stale!.executionId, 'late'), queue.complete(fresh!.executionId, 'good')])
    expect([late?.accepted, good?.accepted]).toEqual([false, true])
    expect(await queue.get('x')).toMatchObject({ status: 'completed', result: 'good' })
    expect((await queue.activity({ taskId: 'x' })).map((a) => a.kind).slice(-2)).toEqual(['completion-ignored', 'completed'])
    await queue.close()
  })

  it('batch events rebuild the same state from the event log alone', async () => {
    const dataDir = tempDir()
    const queue = await openQueue({ dataDir })
    await Promise.all(Array.from({ length: 20 }, (_, i) => queue.enqueue({ type: 't', payload: i })))
    const claims = await queue.claim({ runnerId: 'r', limit: 20 })
    await Promise.all(claims.map((c) => queue.complete(c.executionId, { ok: c.task.payload })))
    const before = snapshot(queue)
    expect((before.workerTasks as Array<{ status: string }>).every((t) => t.status === 'completed')).toBe(true)
    expect(before.activity).toHaveLength(60)
    await queue.close()
    const storeDir = path.join(dataDir, 'livequeue')
    for (const f of fs.readdirSync(storeDir).filter((f) => f.startsWith('state'))) fs.rmSync(path.join(storeDir, f))
    const rebuilt = await openQueue({ dataDir })
    expect(snapshot(rebuilt)).toEqual(before)
    await rebuilt.close()
  })
})
