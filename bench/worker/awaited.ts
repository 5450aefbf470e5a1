import { measure, p50, p99, type Timing } from '../measure.js'
import type { Subject } from '../subject.js'
import { benchTask, benchTasks } from '../tasks.js'
import { countingWorker } from './workloads.js'

/**
 * End to end with a producer that awaits each enqueue before the next (a web server enqueueing
 * one task per request), while the workers run them; timed until the last task completed.
 */
export const endToEndAwaited =
  (concurrency: number) =>
  async (q: Subject, n: number): Promise<Timing> => {
    const { worker, finished } = await countingWorker(q, concurrency, n)
    const timing = await measure(n, async () => {
      for (let i = 0; i < n; i++) await q.enqueue(benchTask(i))
      await finished
    })
    await worker.stop()
    return timing
  }

/** How many awaited enqueues the busy-host measure times. */
export const BUSY_SAMPLES = 200

/**
 * One awaited enqueue while the workers are busy: `n - 200` tasks are enqueued first (untimed),
 * the workers start draining them, and 200 enqueues are timed one at a time meanwhile; p50/p99.
 * The check afterwards waits until all `n` completed.
 */
export const enqueueWhileBusy =
  (concurrency: number) =>
  async (q: Subject, n: number): Promise<Timing> => {
    const backlog = Math.max(0, n - BUSY_SAMPLES)
    for (let from = 0; from < backlog; from += 1000) await q.enqueueMany(benchTasks(from, Math.min(1000, backlog - from)))
    const { worker, finished } = await countingWorker(q, concurrency, n)
    const samples: number[] = []
    const t0 = performance.now()
    for (let i = 0; i < Math.min(n, BUSY_SAMPLES); i++) {
      const start = performance.now()
      await q.enqueue(benchTask(backlog + i))
      samples.push(performance.now() - start)
    }
    const ms = performance.now() - t0
    await finished
    await worker.stop()
    const median = p50(samples)
    return { ops: samples.length, ms, opsPerSec: median > 0 ? 1000 / median : Number.POSITIVE_INFINITY, latency: { p50: median, p99: p99(samples) } }
  }
