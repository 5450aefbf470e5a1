import { earliestLease$ } from '../../schema/queries.js'
import type { TaskQueue } from '../taskQueue/TaskQueue.js'

/**
 * The lease reaper, without polling: ONE timer armed just past the earliest lease deadline
 * (`queue.nextLeaseDeadline()`: the stored one, or the later one heartbeats set in memory); when
 * it fires, `expireLeases()` ends the stalled executions (their tasks retry by policy) and the
 * timer is armed again. A subscription to the processing tasks re-arms it when tasks are claimed
 * or end. Heartbeats only move deadlines later, so a healthy worker makes the reaper wake, find
 * nothing and sleep again, and it never commits. At start every processing task gets a full
 * lease period (the memory of heartbeats died with the previous process), then one reap runs.
 */
export class Reaper {
  private timer: NodeJS.Timeout | null = null
  private unsubscribe: (() => void) | null = null
  private armedFor: number | null = null
  private running: Promise<void> | null = null

  constructor(
    private readonly queue: TaskQueue,
    /** Told which tasks were expired, so the worker can abort its own stale handlers. */
    private readonly onExpired: (taskIds: string[]) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  async start(): Promise<void> {
    this.queue.rearmLeases()
    await this.reap()
    this.unsubscribe = this.queue.subscribe(earliestLease$, () => {
      // Timers only, never a commit, inside the subscription callback (its first call comes
      // before \`subscribe\` returns).
      this.armNext()
    })
  }

  stop(): void {
    this.unsubscribe?.()
    this.unsubscribe = null
    this.arm(null)
  }

  /** Expires what is due now; waits for a reap already under way instead of racing it. */
  reap(): Promise<void> {
    this.running ??= this.queue
      .expireLeases()
      .then((ids) => {
        if (ids.length > 0) this.onExpired(ids)
      })
      .catch(this.onError)
      .finally(() => {
        this.running = null
      })
    return this.running
  }

  private arm(at: number | null, minDelayMs = 0): void {
    if (at === this.armedFor && minDelayMs === 0) return
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.armedFor = at
    if (at === null) return
    // `expireLeases` takes leases with `leaseUntil < now`: fire just after the deadline.
    const delay = Math.max(minDelayMs, at - this.queue.now() + 1)
    this.timer = setTimeout(() => {
      this.timer = null
      this.armedFor = null
      void this.reap().then(() => this.rearm())
    }, delay)
  }

  /**
   * After a reap the deadline may be unchanged (the subscription did not fire): look again. A
   * deadline still in the past means the reap failed; wait a second rather than spin.
   */
  private rearm(): void {
    if (this.unsubscribe !== null) this.armNext()
  }

  /** Arms the timer for the earliest lease deadline; one in the past means the reap failed: wait a second rather than spin. */
  private armNext(): void {
    try {
      const at = this.queue.nextLeaseDeadline()
      this.arm(at, at !== null && at < this.queue.now() ? 1_000 : 0)
    } catch (error) {
      this.onError(error)
    }
  }
}
