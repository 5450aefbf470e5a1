import { measure, type Timing } from './measure.js'
import type { OpenSubject, Subject } from './subject.js'
import { benchTask, benchTasks } from './tasks.js'
import { withTempDir } from './tempDir.js'

/** A measured workload: runs `n` tasks through a fresh subject and times only the measured part. */
export type Workload = (subject: Subject, n: number) => Promise<Timing>

export const BATCH = 1000

/** Fires all `n` enqueue calls at once, then awaits them all (livequeue's group commit coalesces them). */
export const enqueueConcurrent: Workload = (q, n) => measure(n, () => Promise.all(Array.from({ length: n }, async (_, i) => q.enqueue(benchTask(i)))))

/** Awaits each enqueue before the next. */
export const enqueueSequential: Workload = (q, n) =>
  measure(n, async () => {
    for (let i = 0; i < n; i++) await q.enqueue(benchTask(i))
  })

/** `enqueueMany` in batches of 1,000, one after another. */
export const enqueueBatched: Workload = (q, n) =>
  measure(n, async () => {
    for (let from = 0; from < n; from += BATCH) await q.enqueueMany(benchTasks(from, Math.min(BATCH, n - from)))
  })

/** Enqueues `n` tasks (not timed), then drains them: claim `limit`, complete each, repeat until empty. */
const drain =
  (limit: number): Workload =>
  async (q, n) => {
    for (let from = 0; from < n; from += BATCH) await q.enqueueMany(benchTasks(from, Math.min(BATCH, n - from)))
    let done = 0
    const timing = await measure(n, async () => {
      for (;;) {
        const claims = await q.claim(limit)
        if (claims.length === 0) break
        if (limit === 1) await q.complete((claims[0] as { executionId: string }).executionId)
        else await Promise.all(claims.map(async (c) => q.complete(c.executionId)))
        done += claims.length
      }
    })
    if (done !== n) throw new Error(`${q.name}: drained ${done} tasks, expected ${n}`)
    return timing
  }

/**
 * Drain cost as history grows: `history` tasks are enqueued, claimed and completed first (not
 * timed), then `n` fresh tasks are drained 10 at a time, timed. Compare the rows for two history
 * sizes: a queue whose per-task cost grows with what it has already done slows down for good.
 */
export const drainAfterHistory =
  (history: number): Workload =>
  async (q, n) => {
    for (let from = 0; from < history; from += BATCH) {
      const count = Math.min(BATCH, history - from)
      await q.enqueueMany(benchTasks(1_000_000 + from, count))
      for (;;) {
        const claims = await q.claim(BATCH)
        if (claims.length === 0) break
        await Promise.all(claims.map(async (c) => q.complete(c.executionId)))
      }
    }
    return drainByTen(q, n)
  }

/** claim limit 1, then complete, sequentially. */
export const drainOneByOne: Workload = drain(1)
/** claim limit 10, then the 10 completions awaited together. */
export const drainByTen: Workload = drain(10)

/**
 * Runs `workload` on a subject opened in a fresh temp dir, checks afterwards (not timed) that
 * `n` tasks ended in `expect`, and closes the subject.
 */
export const runWorkload = (open: OpenSubject, workload: Workload, n: number, expect: 'pending' | 'completed', atLeast?: number): Promise<Timing> =>
  withTempDir(async (dir) => {
    const subject = await open(dir)
    try {
      const before = subject.commitTotals?.()
      const timing = await workload(subject, n)
      const after = subject.commitTotals?.()
      if (before && after) timing.perTask = { commits: (after.commits - before.commits) / n, events: (after.events - before.events) / n }
      const found = await subject.count(expect)
      if (atLeast === undefined ? found !== n : found < atLeast) {
        throw new Error(`${subject.name}: ${found} tasks ${expect} after the run, expected ${atLeast === undefined ? n : `at least ${atLeast}`}`)
      }
      return timing
    } finally {
      await subject.close()
    }
  })
