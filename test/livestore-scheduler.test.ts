import { StoreInternalsSymbol } from '@livestore/livestore'
import { FiberRef, FiberRefs } from 'effect'
import { afterEach, describe, expect, it } from 'vitest'
import { createWorker, openQueue, type TaskQueue } from '../src/index.js'
import { macrotaskScheduler } from '../src/store/createLiveStore.js'
import { tempDir, until } from './helpers/queue.js'

/**
 * LiveStore's fibers run on macrotasks (src/store/createLiveStore.ts): the leader's work after a
 * commit waits until the code the commit acknowledged reaches a real wait, instead of slicing
 * into each of its awaits.
 */
describe("LiveStore's fibers on macrotasks", () => {
  const open: TaskQueue[] = []
  afterEach(async () => {
    for (const q of open.splice(0)) await q.close()
  })

  it("the store's runtime carries the macrotask scheduler, so every fiber LiveStore forks does", async () => {
    const queue = await openQueue({ dataDir: tempDir() })
    open.push(queue)
    const { runtime } = queue.store[StoreInternalsSymbol].effectContext
    expect(FiberRefs.getOrDefault(runtime.fiberRefs, FiberRef.currentScheduler)).toBe(macrotaskScheduler)
  })

  it("an idle worker's handler starts before the leader has persisted the commit that claimed it", async () => {
    const queue = await openQueue({ dataDir: tempDir() })
    open.push(queue)
    const inFlightAtStart: boolean[] = []
    const worker = createWorker({
      queue,
      concurrency: 1,
      handlers: {
        t: async () => {
          inFlightAtStart.push(queue.owned.group.oldestInFlight() !== null)
        },
      },
    })
    await worker.start()
    for (let i = 0; i < 5; i++) {
      await until(
        'the worker is idle and everything is persisted',
        async () => (await queue.stats()).byStatus.processing === 0 && queue.owned.group.oldestInFlight() === null,
      )
      await queue.enqueue({ type: 't' })
      await until('the handler started', () => inFlightAtStart.length === i + 1)
    }
    // The enqueue+claim commit is still on its way to disk (acknowledged from the journal) when
    // the handler starts: nothing of LiveStore's ran between the acknowledgement and the start.
    expect(inFlightAtStart).toEqual([true, true, true, true, true])
    await worker.stop()
  })
})
