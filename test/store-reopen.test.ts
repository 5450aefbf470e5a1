import { afterEach, describe, expect, it } from 'vitest'
import { events } from '../events/index.js'
import { StorageUnavailable } from '../src/errors.js'
import { openQueue } from '../src/taskQueue/openQueue.js'
import type { TaskQueue } from '../src/taskQueue/TaskQueue.js'
import { createWorker, type Worker } from '../src/runtime/index.js'
import { queuedTask, tempDir, until } from './helpers/queue.js'

/**
 * An event LiveStore cannot apply makes it shut the whole store down (before: the host exited 1
 * with "Store has been shut down"). Validation keeps such events out (test/hardening-input.test.ts);
 * this is the last line: the store says which event, refuses it, reopens by itself, and every
 * live part of the queue (worker signals, waits) carries on with the reopened store.
 */

/** A TaskQueued event SQLite refuses (processAfter past INTEGER's range), committed past validation. */
const poison = (id: string) => events.taskQueued(queuedTask(id, { type: 'job', processAfter: 1e20, createdAt: Date.now() }))

describe('a store LiveStore shut down', () => {
  let queue: TaskQueue | null = null
  let worker: Worker | null = null
  afterEach(async () => {
    await worker?.stop()
    await queue?.close()
  })

  it('refuses the event naming it, reopens by itself, and the worker, waits and reads carry on', async () => {
    const dataDir = tempDir()
    queue = await openQueue({ dataDir })
    const done: string[] = []
    worker = createWorker({ queue, concurrency: 2, handlers: { job: async (task) => void done.push(task.id) } })
    await worker.start()
    const before = await queue.enqueue({ type: 'job' })
    await until('the first task ran', () => done.includes(before.id))
    // A wait made before the fault, for a task made before it, must still resolve after the reopen.
    const gate = await queue.enqueue({ type: 'held', payload: { n: 1 } })
    const waiting = queue.wait(gate.id)

    const refused = await queue.owned.group.submit([poison('poison-1')], ['poison-1']).then(
      () => null,
      (error) => error,
    )
    expect(refused).toBeInstanceOf(StorageUnavailable)
    expect(refused.message).toMatch(/could not apply v1\.TaskQueued: cannot store REAL value in INTEGER column workerTasks\.processAfter/)

    await until('the store is reopened', () => queue?.writeHealth.state === 'ok')
    // The refused event left nothing behind; earlier writes are all there.
    await expect(queue.get('poison-1')).rejects.toMatchObject({ _tag: 'TaskNotFound' })
    expect((await queue.get(before.id)).status).toBe('completed')

    // The worker's live queries follow the new store: a task enqueued now is claimed and run.
    const after = await queue.enqueue({ type: 'job' })
    await until('the worker ran a task enqueued after the reopen', () => done.includes(after.id))
    await queue.cancel(gate.id)
    expect((await waiting).status).toBe('cancelled')
  })
})
