import { measure, p50, p99, type Timing } from '../measure.js'
import type { Subject } from '../subject.js'
import { type BenchTask, benchTask, benchTasks, delayedBenchTask } from '../tasks.js'

const PRODUCER_BATCH = 100

/**
 * The pause between two pickups, so each finds the worker idle and waiting: "done" is seen when
 * the completion is committed, but a remote worker frees its slot and sends its next long-poll
 * claim only after the completion's answer (about one durable commit later). Without the pause
 * the remote pickup measured that round trip too (p50 21–26 ms instead of the pickup itself).
 */
const IDLE_GAP_MS = 50
const idle = () => new Promise((resolve) => setTimeout(resolve, IDLE_GAP_MS))

/** One task at a time on an idle worker, from the `enqueue` call to its handler starting. */
const startLatency = async (q: Subject, n: number, task: (i: number) => BenchTask): Promise<Timing> => {
  let started: (() => void) | null = null
  let startedAt = 0
  let done: (() => void) | null = null
  const worker = await q.startWorker(1, {
    onStart: () => {
      startedAt = performance.now()
      started?.()
    },
    onDone: () => done?.(),
  })
  const samples: number[] = []
  const t0 = performance.now()
  for (let i = 0; i < n; i++) {
    startedAt = 0
    const start = new Promise<void>((resolve) => (started = resolve))
    const finish = new Promise<void>((resolve) => (done = resolve))
    const calledAt = performance.now()
    await q.enqueue(task(i))
    await start
    samples.push(startedAt - calledAt)
    await finish
    await idle()
  }
  const ms = performance.now() - t0
  await worker.stop()
  const median = p50(samples)
  return { ops: n, ms, opsPerSec: median > 0 ? 1000 / median : Number.POSITIVE_INFINITY, latency: { p50: median, p99: p99(samples) } }
}

/**
 * Pickup latency on an idle queue: one task at a time, from the `enqueue` call to its handler
 * starting, so it includes making the task durable (livequeue's acknowledgement waits for the
 * leader; a handler may start before that acknowledgement arrives, so "ack → start" would read
 * ~0 ms and say nothing). Reported as p50/p99; `opsPerSec` is 1000 / p50 so the ratio column
 * still reads "higher is better".
 */
export const pickupLatency = (q: Subject, n: number): Promise<Timing> => startLatency(q, n, benchTask)

/** A worker with a no-op handler that says when `n` tasks have completed. */
export const countingWorker = async (q: Subject, concurrency: number, n: number) => {
  let completed = 0
  let allDone: () => void = () => {}
  const finished = new Promise<void>((resolve) => (allDone = resolve))
  const worker = await q.startWorker(concurrency, {
    onStart: () => {},
    onDone: () => {
      if (++completed === n) allDone()
    },
  })
  return { worker, finished }
}

/**
 * End to end: a worker with `concurrency` slots runs a no-op handler while a producer enqueues
 * `n` tasks in batches of 100; timed until the last task completed.
 */
export const endToEnd =
  (concurrency: number) =>
  async (q: Subject, n: number): Promise<Timing> => {
    const { worker, finished } = await countingWorker(q, concurrency, n)
    const timing = await measure(n, async () => {
      for (let from = 0; from < n; from += PRODUCER_BATCH) await q.enqueueMany(benchTasks(from, Math.min(PRODUCER_BATCH, n - from)))
      await finished
    })
    await worker.stop()
    return timing
  }

/** The delay of the `delayed` measure: the "a 1 s delayed task starts after". */
export const START_DELAY_MS = 1000

/**
 * A delayed task's start: an idle queue and a worker (concurrency 1) already running; one task
 * at a time enqueued with a 1 s delay, timed from the `enqueue` call to its handler starting.
 * The ideal is 1,000 ms; the excess is what the queue adds (timer, claim, making the claim durable).
 */
export const delayedStart = (q: Subject, n: number): Promise<Timing> => startLatency(q, n, (i) => delayedBenchTask(i, START_DELAY_MS))
