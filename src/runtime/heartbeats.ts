import type { ReportResult } from '../queue/types.js'
import type { WorkerBackend } from './backend.js'

/**
 * One timer for all running executions of a worker: every `heartbeatMs` each of them extends
 * its lease by `leaseMs`. The heartbeats of one tick go to the store in one group commit, and
 * an idle worker has no timer at all. An execution's first heartbeat comes at most
 * `heartbeatMs` after its claim, so `heartbeatMs < leaseMs` keeps every lease alive.
 */
export class Heartbeats {
  private readonly members = new Map<string, (report: ReportResult) => void>()
  private readonly inFlight = new Set<string>()
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly backend: Pick<WorkerBackend, 'heartbeat'>,
    /** Sent with each heartbeat: the queue extends only leases this runner claimed. */
    private readonly runnerId: string,
    private readonly heartbeatMs: number,
    private readonly leaseMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** `onReport` hears each answer: `accepted: false` (lease lost) or `cancelRequested`. */
  add(executionId: string, onReport: (report: ReportResult) => void): void {
    this.members.set(executionId, onReport)
    this.timer ??= setInterval(() => this.tick(), this.heartbeatMs)
  }

  remove(executionId: string): void {
    this.members.delete(executionId)
    if (this.members.size === 0) this.dispose()
  }

  dispose(): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }

  private tick(): void {
    for (const [executionId, onReport] of this.members) {
      // Over HTTP a heartbeat can take longer than the interval (a slow or restarting host):
      // one at a time per execution, rather than a pile of them landing at once.
      if (this.inFlight.has(executionId)) continue
      this.inFlight.add(executionId)
      this.backend
        .heartbeat(executionId, { leaseMs: this.leaseMs, runnerId: this.runnerId })
        .then(
          (report) => {
            // The execution may have finished while the heartbeat was being written.
            if (this.members.has(executionId)) onReport(report)
          },
          (error) => this.onError(error),
        )
        .finally(() => this.inFlight.delete(executionId))
    }
  }
}
