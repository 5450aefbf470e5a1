import { type Queryable, StoreInternalsSymbol } from '@livestore/livestore'
import type { OwnedStore } from './ownedStore.js'

/**
 * `store.subscribe` that lasts across a store reopened after a storage fault: on the new store it
 * subscribes again, which also calls `onUpdate` with the fresh result at once. Every long-lived
 * subscription of the queue (claim signals, reaper, scheduler, waits, activity streams) uses it.
 *
 * A subscription made while the current store is shut down and not yet replaced (a replica's
 * store whose sync died, a host's store LiveStore shut down, until the reopen swaps the new one
 * in) starts on the replacement: LiveStore throws "Store has been shut down" for it, which killed
 * a replica process (seen in test/replica.test.ts with 8–12 such reopens per run).
 */
export const subscribeLive = <T>(owned: OwnedStore, query: Queryable<T>, onUpdate: (value: T) => void): (() => void) => {
  const subscribe = (): (() => void) => (owned.store[StoreInternalsSymbol].isShutdown ? () => {} : owned.store.subscribe(query, onUpdate))
  let unsubscribe = subscribe()
  const stopFollowing = owned.onReplaced(() => {
    try {
      unsubscribe()
    } catch {}
    unsubscribe = subscribe()
  })
  return () => {
    stopFollowing()
    unsubscribe()
  }
}
