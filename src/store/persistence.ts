import type { Store } from '@livestore/livestore'

/** The global part of a LiveStore sequence number ("e42", "e42.1", "e42r3" → 42). */
export const globalSeq = (head: string): number => {
  const match = /^e(\d+)/.exec(head)
  return match ? Number(match[1]) : 0
}

/**
 * Waits for the leader to take committed events. `store.commit()` returns before anything is on
 * disk (docs/design.md, fact 1: 1 of 1000 events survived an immediate shutdown). The client session's
 * `upstreamHead` advances when the leader has persisted the events; waiting until it reaches
 * the `localHead` seen right after the commit, then one more macrotask, made 24 runs of kill -9
 * under load lose nothing acknowledged.
 */
/** How often a waiter re-reads the sync status in case an update was missed. */
const RECHECK_MS = 25

export class PersistenceWatch {
  private waiters: Array<{ target: number; resolve: () => void }> = []
  private readonly unsubscribe: () => void
  private upstream = 0
  private recheck: NodeJS.Timeout | null = null
  private advanceListeners: Array<(upstream: number) => void> = []

  constructor(private readonly store: Store<any>) {
    this.upstream = globalSeq(store.syncStatus().upstreamHead)
    this.unsubscribe = store.subscribeSyncStatus((status) => this.advanceTo(globalSeq(status.upstreamHead)))
  }

  /** Resolves once every event up to `localHead` (read right after a commit) is persisted. */
  persisted(localHead: string): Promise<void> {
    const target = globalSeq(localHead)
    return new Promise((resolve) => {
      this.waiters.push({ target, resolve: () => setImmediate(resolve) })
      this.release()
      // The status stream is a forked fiber: an update can slip past it while it (re)subscribes
      // (seen when a watch was made right before a commit). Re-reading the status now and then
      // while someone waits makes a missed update cost milliseconds, not a hang.
      this.recheck ??= setInterval(() => {
        try {
          this.advanceTo(globalSeq(this.store.syncStatus().upstreamHead))
        } catch {
          // LiveStore shut the store down (a fault): the store's owner settles the waiters.
          this.stopRecheck()
        }
      }, RECHECK_MS)
    })
  }

  /** The last event the leader has taken (its global sequence number). */
  get upstreamSeq(): number {
    return this.upstream
  }

  /** Called with the new upstream each time the leader takes more events. */
  onAdvance(listener: (upstream: number) => void): void {
    this.advanceListeners.push(listener)
  }

  private advanceTo(upstream: number) {
    if (upstream > this.upstream) {
      this.upstream = upstream
      for (const listener of this.advanceListeners) listener(upstream)
    }
    this.release()
  }

  private release() {
    if (this.waiters.length === 0) {
      this.stopRecheck()
      return
    }
    const ready = this.waiters.filter((w) => w.target <= this.upstream)
    if (ready.length === 0) return
    this.waiters = this.waiters.filter((w) => w.target > this.upstream)
    for (const w of ready) w.resolve()
    if (this.waiters.length === 0) this.stopRecheck()
  }

  private stopRecheck() {
    if (this.recheck !== null) clearInterval(this.recheck)
    this.recheck = null
  }

  dispose() {
    this.stopRecheck()
    this.unsubscribe()
  }
}
