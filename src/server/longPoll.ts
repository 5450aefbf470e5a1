import { NEXT_DUE_SQL } from '../../schema/eligible.js'
import { pendingWork$ } from '../../schema/queries.js'
import type { ClaimOptions } from '../queue/claim.js'
import type { TaskQueue } from '../taskQueue/TaskQueue.js'
import type { Claim } from '../queue/types.js'

/**
 * Long-poll claims (POST /api/claims with waitMs). A claim that finds nothing waits for one of
 * the only things that can make a task eligible: pending work changed (`pendingWork$`: enqueue,
 * retry scheduled, dependency completed, queue resumed) or a delayed task came due (one timer,
 * armed for the earliest future `processAfter` this claim could take), and re-tries the claim
 * at once. No poll interval: pickup is as fast as the commit that made the task eligible.
 * One subscription serves every waiting request.
 */
export class ClaimWaiters {
  private readonly listeners = new Set<() => void>()
  private unsubscribe: (() => void) | null = null
  private notifying = false

  constructor(private readonly queue: TaskQueue) {}

  /** Long-poll claims open now (listening for work). */
  get waiting(): number {
    return this.listeners.size
  }

  /** Claims, waiting up to `waitMs` for work. Resolves [] on timeout or abort (client gone, host stopping). */
  async claim(opts: ClaimOptions, waitMs: number, signal: AbortSignal): Promise<Claim[]> {
    if (waitMs <= 0) return this.deliver(await this.queue.claim(opts), signal)
    const deadline = Date.now() + waitMs
    let dirty = false
    let wake: (() => void) | null = null
    const poke = () => {
      dirty = true
      wake?.()
    }
    // Listen before the first claim: a change between that claim and the wait must not be missed.
    this.listen(poke)
    signal.addEventListener('abort', poke)
    const deadlineTimer = setTimeout(poke, waitMs)
    let dueTimer: NodeJS.Timeout | undefined
    try {
      for (;;) {
        dirty = false
        // The next due time is looked up from the moment *before* the claim: a task that comes due
        // while the claim is awaited (~100 ms under load) must still arm the timer, not wait out waitMs.
        const claimedAt = this.queue.now()
        const claims = await this.queue.claim(opts)
        if (claims.length > 0 || signal.aborted) return this.deliver(claims, signal)
        if (Date.now() >= deadline) return []
        clearTimeout(dueTimer)
        const due = this.nextDueAt(opts, claimedAt)
        // `claim` takes tasks with processAfter <= now: +1 ms so the timer never fires a hair early.
        if (due !== null) dueTimer = setTimeout(poke, Math.max(0, Math.min(due - this.queue.now() + 1, deadline - Date.now())))
        if (!dirty) await new Promise<void>((resolve) => (wake = resolve))
        wake = null
        if (signal.aborted) return []
      }
    } finally {
      this.listeners.delete(poke)
      signal.removeEventListener('abort', poke)
      clearTimeout(deadlineTimer)
      clearTimeout(dueTimer)
    }
  }

  /** Stops listening (the host is stopping; waiters were woken by their abort signals). */
  close(): void {
    this.unsubscribe?.()
    this.unsubscribe = null
  }

  /**
   * Claims made for a request that went away are given back at once (`interrupted`: retried
   * immediately, attempt not counted) instead of waiting out their lease.
   */
  private async deliver(claims: Claim[], signal: AbortSignal): Promise<Claim[]> {
    if (!signal.aborted || claims.length === 0) return claims
    const gone = { type: 'ClaimNotDelivered', message: 'the claiming request went away before the claim was delivered' }
    await Promise.all(claims.map((c) => this.queue.fail(c.executionId, gone, { outcome: 'interrupted' }).catch(() => {})))
    return []
  }

  private listen(fn: () => void): void {
    this.listeners.add(fn)
    if (this.unsubscribe !== null) return
    const notify = () => {
      for (const l of [...this.listeners]) l()
    }
    const stopPending = this.queue.subscribe(pendingWork$, () => {
      // Never claim (commit) inside the subscription callback: notify once the commit has returned.
      if (this.notifying) return
      this.notifying = true
      queueMicrotask(() => {
        this.notifying = false
        notify()
      })
    })
    // Tasks queued in the open group commit (an enqueue request in this turn): the waiting claims
    // retry now, so they ride the enqueue's commit (GroupCommit.openQueued).
    const stopQueued = this.queue.owned.onQueuedSubmitted(notify)
    this.unsubscribe = () => {
      stopPending()
      stopQueued()
    }
  }

  private nextDueAt(opts: ClaimOptions, after: number): number | null {
    const rows = this.queue.store.query({
      query: NEXT_DUE_SQL,
      bindValues: {
        now: after,
        types: opts.types ? JSON.stringify(opts.types) : null,
        queues: opts.queues ? JSON.stringify(opts.queues) : null,
      },
    }) as ReadonlyArray<{ at: number | null }>
    return rows[0]?.at ?? null
  }
}
