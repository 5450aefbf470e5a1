import { describe, expect, it } from 'vitest'
import { taskState$ } from '../schema/queries.js'
import { openQueue } from '../src/index.js'
import type { OwnedStore } from '../src/store/ownedStore.js'
import { subscribeLive } from '../src/store/subscribeLive.js'

describe('subscribeLive', () => {
  it('a subscription made while the store is shut down, before its replacement, starts on the replacement', async () => {
    const dead = await openQueue({ inMemory: true, storeId: 'dead' })
    const next = await openQueue({ inMemory: true, storeId: 'next' })
    try {
      const task = await next.enqueue({ type: 'after-reopen' })
      const store = dead.owned.store
      await store.shutdownPromise()
      // The window a replica or a host's managed store is in between a store's shutdown and the swap.
      const listeners = new Set<() => void>()
      const owned = {
        store,
        onReplaced: (listener: () => void) => {
          listeners.add(listener)
          return () => listeners.delete(listener)
        },
      } as unknown as OwnedStore & { store: typeof store }
      const seen: unknown[][] = []
      const unsubscribe = subscribeLive(owned, taskState$(task.id), (rows) => seen.push([...rows]))
      expect(seen).toEqual([])
      owned.store = next.owned.store
      for (const listener of listeners) listener()
      expect(seen.at(-1)).toEqual([expect.objectContaining({ status: 'pending' })])
      unsubscribe()
      expect(listeners.size).toBe(0)
    } finally {
      await dead.close().catch(() => {})
      await next.close()
    }
  })
})
