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
  private timer: NodeJS.Timeout | null = null

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
      if (claims.length === 0) {
        this.armTimer()
        return
      }
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

  /** One timer for the earliest delayed task, as livequeue's worker has (no polling). */
  private armTimer(): void {
    const now = Date.now()
    const at = this.queue.nextDueAt(now)
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    // `claim` takes processAfter <= now: +1 ms so the timer never fires a hair early.
    if (at !== null) this.timer = setTimeout(() => this.pump(), at - now + 1)
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
  }
}
