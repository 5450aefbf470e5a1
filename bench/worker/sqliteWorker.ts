import type { SqliteQueue } from '../baseline/sqliteQueue.js'
import type { BenchWorker, WorkerEvents } from './types.js'

/**
 * The baseline's worker: in the same process as the queue, woken by the producer's enqueue (no
 * poll interval, as fair a match for livequeue's reactive pickup as a plain SQLite queue gets),
 * claims up to its free slots in one transaction, runs a no-op handler, completes.
 */
export class SqliteWorker implements BenchWorker {
  private running = 0
  private stopped = false

  constructor(
    private readonly queue: SqliteQueue,
    private readonly concurrency: number,
    private readonly events: WorkerEvents,
  ) {}

  /** Called after each enqueue commits. */
  notify(): void {
    this.pump()
  }

  private pump(): void {
    while (!this.stopped && this.running < this.concurrency) {
      const claims = this.queue.claim({ runnerId: 'bench-worker', limit: this.concurrency - this.running })
      if (claims.length === 0) return
      for (const claim of claims) {
        this.running++
        void (async () => {
          this.events.onStart()
          await Promise.resolve() // the no-op handler
          this.queue.complete(claim.executionId, null)
          this.running--
          this.events.onDone()
          this.pump()
        })()
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
  }
}
