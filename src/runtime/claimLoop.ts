import { pendingWork$ } from '../../schema/queries.js'
import type { TaskQueue } from '../queue/TaskQueue.js'
import type { Claim } from '../queue/types.js'
import type { CircuitBreakers } from './circuitBreaker.js'

/** The earliest future `processAfter` among pending, unblocked tasks this worker could run. */
const NEXT_DUE_SQL = `
  SELECT min(processAfter) AS at FROM workerTasks
  WHERE status = 'pending' AND blockedBy = 0 AND processAfter > $now
    AND type IN (SELECT value FROM json_each($types))
    AND ($queues IS NULL OR queue IN (SELECT value FROM json_each($queues)))`

/** setTimeout's largest delay; a later due time just re-arms when this fires. */
const MAX_TIMER_MS = 2_147_483_647

export type ClaimLoopDeps = {
  queue: TaskQueue
  runnerId: string
  types: ReadonlyArray<string>
  queues: ReadonlyArray<string> | undefined
  concurrency: number
  concurrencyPerType: Record<string, number>
  leaseMs: number
  breakers: CircuitBreakers
  /** Executions holding a slot, by type. */
  runningByType(): Map<string, number>
  launch(claim: Claim): void
  onError(error: unknown): void
}

/**
 * Reactive pickup, no polling. Something can be claimed only after one of: pending work changed
 * (the `pendingWork$` subscription: enqueue, retry scheduled, dependency completed, queue
 * resumed), a slot was freed, a breaker went half-open, or a delayed task came due (ONE timer,
 * armed for the earliest future `processAfter`). Each calls `wake()`; wakes coalesce into one
 * pump per turn of the event loop, and the pump claims until the slots are full or nothing fits.
 */
export class ClaimLoop {
  private unsubscribe: (() => void) | null = null
  private dueTimer: NodeJS.Timeout | null = null
  private dueAt: number | null = null
  private scheduled = false
  private again = false
  private pumping: Promise<void> | null = null
  private stopped = true

  constructor(private readonly d: ClaimLoopDeps) {}

  start(): void {
    this.stopped = false
    // Never commit inside a subscription callback: `wake` only schedules the pump.
    this.unsubscribe = this.d.queue.store.subscribe(pendingWork$, () => this.wake())
    this.wake()
  }

  /** No more claims. Resolves once a claim already under way has returned (its tasks are launched). */
  async stop(): Promise<void> {
    this.stopped = true
    this.unsubscribe?.()
    this.unsubscribe = null
    this.armDueTimer(null)
    await this.pumping
  }

  wake(): void {
    if (this.stopped || this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.pump()
    })
  }

  private pump(): void {
    if (this.stopped) return
    if (this.pumping !== null) {
      this.again = true
      return
    }
    this.pumping = (async () => {
      do {
        this.again = false
        await this.claimWhatFits()
      } while (this.again && !this.stopped)
      if (!this.stopped) this.armDueTimer(this.nextDueAt())
    })()
      .catch((error) => {
        this.d.onError(error)
        // Try again later rather than spin on a persistent error.
        if (!this.stopped) this.armDueTimer(this.d.queue.now() + 1_000)
      })
      .finally(() => {
        this.pumping = null
      })
  }

  /**
   * Claims in the ordering contract's order (the queue's SQL decides) for the types that have
   * room. A claim's `limit` is the smallest room among them, so no per-type cap or half-open
   * breaker can be overshot; when a claim fills its limit, the rooms are recomputed and it
   * claims again with the types that still have room.
   */
  private async claimWhatFits(): Promise<void> {
    const { concurrency, concurrencyPerType, breakers } = this.d
    while (!this.stopped) {
      const byType = this.d.runningByType()
      let running = 0
      for (const n of byType.values()) running += n
      const free = concurrency - running
      if (free <= 0) return
      const open: string[] = []
      let limit = Math.min(free, 1000)
      for (const type of this.d.types) {
        const cap = concurrencyPerType[type]
        const room = Math.min(cap === undefined ? Number.POSITIVE_INFINITY : cap - (byType.get(type) ?? 0), breakers.room(type))
        if (room <= 0) continue
        open.push(type)
        limit = Math.min(limit, room)
      }
      if (open.length === 0) return
      const claims = await this.d.queue.claim({
        runnerId: this.d.runnerId,
        types: open,
        ...(this.d.queues ? { queues: this.d.queues } : {}),
        limit,
        leaseMs: this.d.leaseMs,
      })
      for (const claim of claims) {
        breakers.claimed(claim.task.type)
        this.d.launch(claim)
      }
      if (claims.length < limit) return
    }
  }

  private nextDueAt(): number | null {
    const rows = this.d.queue.store.query({
      query: NEXT_DUE_SQL,
      bindValues: {
        now: this.d.queue.now(),
        types: JSON.stringify(this.d.types),
        queues: this.d.queues ? JSON.stringify(this.d.queues) : null,
      },
    }) as ReadonlyArray<{ at: number | null }>
    return rows[0]?.at ?? null
  }

  private armDueTimer(at: number | null): void {
    if (at === this.dueAt && this.dueTimer !== null) return
    if (this.dueTimer !== null) clearTimeout(this.dueTimer)
    this.dueTimer = null
    this.dueAt = at
    if (at === null) return
    // `claim` takes tasks with `processAfter <= now`; +1 ms guards against a timer firing early.
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - this.d.queue.now() + 1))
    this.dueTimer = setTimeout(() => {
      this.dueTimer = null
      this.dueAt = null
      this.wake()
    }, delay)
  }
}
