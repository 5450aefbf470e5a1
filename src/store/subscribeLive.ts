import type { Queryable } from '@livestore/livestore'
import type { OwnedStore } from './ownedStore.js'

/**
 * `store.subscribe` that lasts across a store reopened after a storage fault: on the new store it
 * subscribes again, which also calls `onUpdate` with the fresh result at once. Every long-lived
 * subscription of the queue (claim signals, reaper, scheduler, waits, activity streams) uses it.
 */
export const subscribeLive = <T>(owned: OwnedStore, query: Queryable<T>, onUpdate: (value: T) => void): (() => void) => {
  let unsubscribe = owned.store.subscribe(query, onUpdate)
  const stopFollowing = owned.onReplaced(() => {
    try {
      unsubscribe()
    } catch {}
    unsubscribe = owned.store.subscribe(query, onUpdate)
  })
  return () => {
    stopFollowing()
    unsubscribe()
  }
}
