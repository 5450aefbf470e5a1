import type { Store } from '@livestore/livestore'

/** The global part of a LiveStore sequence number ("e42", "e42.1", "e42r3" → 42). */
export const globalSeq = (head: string): number => {
  const match = /^e(\d+)/.exec(head)
  return match ? Number(match[1]) : 0
}

/**
 * Waits for the leader to take committed events. `store.commit()` returns before anything is on
 * disk (DESIGN fact 1: 1 of 1000 events survived an immediate shutdown). The client session's
 * `upstreamHead` advances when the leader has persisted the events; waiting until it reaches
 * the `localHead` seen right after the commit, then one more macrotask, made 24 runs of kill -9
 * under load lose nothing acknowledged.
 */
export class PersistenceWatch {
  private waiters: Array<{ target: number; resolve: () => void }> = []
  private readonly unsubscribe: () => void
  private upstream = 0

  constructor(store: Store<any>) {
    this.upstream = globalSeq(store.syncStatus().upstreamHead)
    this.unsubscribe = store.subscribeSyncStatus((status) => {
      this.upstream = globalSeq(status.upstreamHead)
      this.release()
    })
  }

  /** Resolves once every event up to `localHead` (read right after a commit) is persisted. */
  persisted(localHead: string): Promise<void> {
    const target = globalSeq(localHead)
    return new Promise((resolve) => {
      this.waiters.push({ target, resolve: () => setImmediate(resolve) })
      this.release()
    })
  }

  private release() {
    if (this.waiters.length === 0) return
    const ready = this.waiters.filter((w) => w.target <= this.upstream)
    if (ready.length === 0) return
    this.waiters = this.waiters.filter((w) => w.target > this.upstream)
    for (const w of ready) w.resolve()
  }

  dispose() {
    this.unsubscribe()
  }
}
