import type { Claim } from '../queue/types.js'
import type { WorkerBackend } from './backend.js'
import type { CircuitBreakers } from './circuitBreaker.js'

/** After a claim fails for a reason the backend did not retry itself, wait this long rather than spin. */
const RETRY_AFTER_ERROR_MS = 1_000

export type ClaimLoopDeps = {
  backend: WorkerBackend
  runnerId: string
  types: ReadonlyArray<string>
  queues: ReadonlyArray<string> | undefined
  concurrency: number
  concurrencyPerType: Record<string, number>
  leaseMs: number
  breakers: CircuitBreakers
  /** Executions holding a slot, by type; without those reporting when `withReporting` is false. */
  runningByType(withReporting?: boolean): Map<string, number>
  /** How many of them have finished their handler and are reporting. (Default: none) */
  reporting?(): number
  launch(claim: Claim): void
  onError(error: unknown): void
}

/** A claim that waits for work (a long-poll): its slots are spoken for until it answers. */
type Waiting = { types: ReadonlySet<string>; limit: number; abort: AbortController; done: Promise<void> }

/**
 * Claims whenever a slot is free, never on a polling interval. `wake()` is called when
 * something may be claimable: the backend's signal (local: pending work changed or a delayed
 * task came due), a freed slot, a breaker going half-open. Wakes coalesce into one pump per turn
 * of the event loop, and the pump claims until the slots are full or nothing fits.
 *
 * With a backend whose claims wait (`claimWaitMs > 0`, HTTP long-polls), the pump instead keeps
 * one waiting claim out for every type that has room; the host answers it the moment a task is
 * eligible. A waiting claim reserves its `limit` slots, so slots freed meanwhile only start
 * another one for types no waiting claim covers (a type let through by its per-type cap or a
 * half-open breaker); types already covered are picked up right after the waiting claim answers
 * (a slot freed under a claim waiting for one task costs no extra request). A task a waiting
 * claim brings back after its type's breaker opened still runs: it was claimed before.
 */
export class ClaimLoop {
  private readonly waiting = new Set<Waiting>()
  private retryTimer: NodeJS.Timeout | null = null
  private scheduled = false
  private again = false
  private pumping: Promise<void> | null = null
  private stopped = true

  constructor(private readonly d: ClaimLoopDeps) {}

  start(): void {
    this.stopped = false
    this.wake()
  }

  /**
   * No more claims; waiting claims are aborted. Resolves once every claim under way has returned
   * (a claim answered before the abort took effect still launches its tasks).
   */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    this.retryTimer = null
    for (const w of this.waiting) w.abort.abort()
    await Promise.all([this.pumping, ...[...this.waiting].map((w) => w.done)])
  }

  /**
   * Claims now, in this turn (a local worker whose completion was just submitted), so the claim
   * lands in the same group commit as that completion.
   */
  wakeNow(): void {
    if (this.stopped) return
    this.pump()
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
    })()
      .catch((error) => this.failed(error))
      .finally(() => {
        this.pumping = null
      })
  }

  /** Reports `error` (null: nothing to report) and tries again after a pause. */
  private failed(error: unknown): void {
    if (error !== null) this.d.onError(error)
    if (this.stopped || this.retryTimer !== null) return
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      this.wake()
    }, RETRY_AFTER_ERROR_MS)
  }

  /**
   * Claims in the ordering contract's order (the queue's SQL decides) for the types that have
   * room. A claim's `limit` is the smallest room among them, so no per-type cap or half-open
   * breaker can be overshot; when a claim fills its limit, the rooms are recomputed and it
   * claims again with the types that still have room.
   */
  private async claimWhatFits(): Promise<void> {
    while (!this.stopped) {
      const shape = this.nextShape()
      if (shape === null) return
      if (this.d.backend.claimWaitMs > 0) {
        this.startWaiting(shape.types, shape.limit)
        continue
      }
      const claims = await this.d.backend.claim(this.claimOptions(shape.types, shape.limit, 0))
      this.launchAll(claims)
      if (claims.length < shape.limit) return
    }
  }

  /**
   * Over HTTP: the claim a batch of completions carries for the slots it frees (the reporting
   * executions count as free), or null. Never a waiting claim; slots it leaves empty are claimed
   * as usual once the reports are answered.
   */
  claimForReports(): (ReturnType<ClaimLoop['claimOptions']> & { runnerId: string }) | null {
    if (this.stopped || this.d.backend.claimWaitMs === 0) return null
    const shape = this.nextShape({ forReports: true })
    return shape === null ? null : this.claimOptions(shape.types, shape.limit, 0)
  }

  /** Tasks claimed along with a batch of completions (launched even when stopping: they are ours now). */
  launchClaimed(claims: ReadonlyArray<Claim>): void {
    this.launchAll(claims)
  }

  /** The types to claim now and how many, or null when nothing fits. */
  private nextShape(opts: { forReports?: boolean } = {}): { types: string[]; limit: number } | null {
    const { concurrency, concurrencyPerType, breakers } = this.d
    const forReports = opts.forReports === true
    const byType = forReports ? this.d.runningByType(false) : this.d.runningByType()
    let running = 0
    for (const n of byType.values()) running += n
    if (running >= concurrency) return null
    // Over HTTP, a slot freed while other executions are still reporting waits for them: their
    // slots free within a round trip, and one claim for all of them costs the host one request
    // and one commit instead of one each (e2e-remote: ~2.4 tasks per claim before, with 5 slots).
    // The reports themselves carry a claim for those slots (`claimForReports`).
    if (!forReports && this.d.backend.claimWaitMs > 0 && (this.d.reporting?.() ?? 0) > 0) return null
    let reserved = 0
    const covered = new Set<string>()
    for (const w of this.waiting) {
      reserved += w.limit
      for (const t of w.types) covered.add(t)
    }
    const types: string[] = []
    let limit = Math.min(concurrency - running - reserved, 1000)
    for (const type of this.d.types) {
      if (covered.has(type)) continue
      const cap = concurrencyPerType[type]
      const room = Math.min(cap === undefined ? Number.POSITIVE_INFINITY : cap - (byType.get(type) ?? 0), breakers.room(type))
      if (room <= 0) continue
      types.push(type)
      limit = Math.min(limit, room)
    }
    if (types.length === 0) return null
    if (limit <= 0 && forReports) return null
    if (limit <= 0) {
      // A type has room, but waiting claims for other types hold every free slot (say a
      // half-open breaker's trial while a claim waits for the other types). Take them back:
      // once they have answered, the next pump waits for all types at once. A task claimed
      // just as a wait was cut is given back by the host at once, its attempt not counted.
      for (const w of this.waiting) w.abort.abort()
      return null
    }
    return { types, limit }
  }

  private startWaiting(types: string[], limit: number): void {
    const abort = new AbortController()
    const w: Waiting = { types: new Set(types), limit, abort, done: Promise.resolve() }
    this.waiting.add(w)
    const waitMs = this.d.backend.claimWaitMs
    const sentAt = Date.now()
    w.done = this.d.backend.claim(this.claimOptions(types, limit, waitMs), abort.signal).then(
      (claims) => {
        this.waiting.delete(w)
        this.launchAll(claims)
        // Answered with work, or empty after waiting: the next waiting claim goes out at once.
        // Empty long before `waitMs` (a host that does not wait, or one stopping) would make
        // that a busy loop against the host: then it goes out after a pause.
        const early = claims.length === 0 && !abort.signal.aborted && Date.now() - sentAt < waitMs / 4
        if (early) this.failed(null)
        else this.wake()
      },
      (error) => {
        this.waiting.delete(w)
        if (!abort.signal.aborted) this.failed(error)
        else this.wake()
      },
    )
  }

  private claimOptions(types: string[], limit: number, waitMs: number) {
    return {
      runnerId: this.d.runnerId,
      types,
      ...(this.d.queues ? { queues: this.d.queues } : {}),
      limit,
      leaseMs: this.d.leaseMs,
      ...(waitMs > 0 ? { waitMs } : {}),
    }
  }

  private launchAll(claims: ReadonlyArray<Claim>): void {
    for (const claim of claims) {
      this.d.breakers.claimed(claim.task.type)
      this.d.launch(claim)
    }
  }
}
