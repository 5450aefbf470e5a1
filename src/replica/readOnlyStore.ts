import type { Store } from '@livestore/livestore'
import { GroupCommit } from '../store/groupCommit.js'
import type { OwnedStore } from '../store/ownedStore.js'
import type { PersistenceWatch } from '../store/persistence.js'
import { ReplicaReadOnly } from './errors.js'

/**
 * The group commit of a replica: every queue command commits through `GroupCommit.submit`, so
 * refusing here refuses any write that gets past the `Replica`'s own guards. Reads still call
 * `flush`, which finds an empty batch and does nothing; hence no persistence watch is needed.
 */
class RefusingGroup extends GroupCommit {
  constructor(store: Store<any>) {
    super(store, undefined as unknown as PersistenceWatch)
  }
  override submit(): Promise<void> {
    return Promise.reject(new ReplicaReadOnly({ operation: 'commit' }))
  }
}

/** A replica's store: the current one changes when the host's queue rotates into a new epoch. */
export type ReplicaStore = OwnedStore & {
  /**
   * Swaps `next` in as the current store and tells the `onReplaced` listeners (live queries
   * subscribe again on it); returns the previous store, which the caller shuts down.
   */
  replace(next: Store<any>): Store<any>
  /** Runs before the current store is shut down by `close` (the epoch follower stops there). */
  beforeClose(hook: () => Promise<void>): void
}

const noop = () => {}

/** A replica's store in the shape the queue's read functions take. */
export const readOnlyStore = (initial: Store<any>): ReplicaStore => {
  let store = initial
  let group = new RefusingGroup(initial)
  let closing: Promise<void> | null = null
  const listeners = new Set<() => void>()
  const hooks: Array<() => Promise<void>> = []
  return {
    get store() {
      return store
    },
    get group() {
      return group
    },
    dataDir: null,
    lock: null,
    writeHealth: { state: 'ok' },
    // A replica commits nothing.
    commitTotals: { commits: 0, events: 0 },
    onReplaced(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    // Nothing is ever queued here.
    onQueuedSubmitted: () => () => {},
    // Replicas never write, so nothing waits at a gate.
    enter: () => noop,
    replace(next) {
      const previous = store
      store = next
      group = new RefusingGroup(next)
      for (const listener of [...listeners]) {
        try {
          listener()
        } catch {}
      }
      return previous
    },
    beforeClose(hook) {
      hooks.push(hook)
    },
    close() {
      closing ??= (async () => {
        for (const hook of hooks) await hook().catch(() => {})
        await store.shutdownPromise()
      })()
      return closing
    },
  }
}
