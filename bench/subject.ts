import type { BenchTask } from './tasks.js'
import type { StartWorker } from './worker/types.js'

/** What the workloads drive: livequeue and the better-sqlite3 baseline both fit this shape. */
export type Subject = {
  readonly name: string
  /** One task; resolves once it is persisted. */
  enqueue(task: BenchTask): Promise<unknown> | unknown
  /** Several tasks in one call; resolves once they are persisted. */
  enqueueMany(tasks: ReadonlyArray<BenchTask>): Promise<unknown> | unknown
  /** Up to `limit` tasks in claim order; resolves once the claims are persisted. */
  claim(limit: number): Promise<ReadonlyArray<{ executionId: string }>> | ReadonlyArray<{ executionId: string }>
  /** Completes one execution; resolves once persisted. */
  complete(executionId: string): Promise<unknown> | unknown
  /** How many tasks are in this status (for checking a run did its work; not timed). */
  count(status: 'pending' | 'completed'): Promise<number> | number
  /** Starts a worker with a no-op handler for the `bench` type. */
  startWorker: StartWorker
  close(): Promise<void> | void
  /** LiveStore commits and events so far (livequeue only): the bench reports them per task. */
  commitTotals?(): { commits: number; events: number }
}

/** Opens a fresh subject in `dir` (an empty temp dir). */
export type OpenSubject = (dir: string) => Promise<Subject>
