import { makeInMemoryAdapter } from '@livestore/adapter-web'
import { createStorePromise, makeShutdownDeferred, type Store } from '@livestore/livestore'
import { makeWsSync } from '@livestore/sync-cf/client'
import { Deferred, Effect, Exit } from 'effect'
import { queries, schema } from 'livequeue/schema'

/** A store and what to do with it; `died` resolves if LiveStore shuts it down (its sync failed). */
type Opened = { store: Store<typeof schema>; died: Promise<void> }

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Keeps the page on the host's current store. The host rotates its queue into a new store (an
 * epoch, `<base>-e<N>`) as it grows and commits `v1.EpochSealed` into the old one: on
 * `epochSealed$` the page opens the next store, waits for its seed (the `seeded` row of
 * `epochState`), hands it to `attach` and shuts the old one down. A store whose sync died (sync-cf
 * 0.4.0 can send an event twice when a pull starts while the host pushes; LiveStore then stops
 * pulling: `onSyncError: 'shutdown'` makes that visible) is opened again.
 */
export const followStore = async (opts: {
  syncUrl: string
  storeId: string
  /** Subscribes the page to a store; returns its unsubscribe. */
  attach(store: Store<typeof schema>): () => void
  onStore?(storeId: string): void
}): Promise<void> => {
  const open = async (storeId: string): Promise<Opened> => {
    const shutdownDeferred = Effect.runSync(makeShutdownDeferred)
    const store = await createStorePromise({
      schema,
      storeId,
      // In memory: the page holds nothing of its own; every load pulls the history from the backend.
      adapter: makeInMemoryAdapter({ sync: { backend: makeWsSync({ url: opts.syncUrl }), onSyncError: 'shutdown' } }),
      disableDevtools: true,
      shutdownDeferred,
    })
    const died = Effect.runPromise(Deferred.await(shutdownDeferred).pipe(Effect.exit)).then((exit) => void Exit.isFailure(exit))
    return { store, died }
  }
  /** Opens a store until it opens and keeps syncing; `seeded`: until the next epoch's seed is there. */
  const openLive = async (storeId: string, seeded: boolean): Promise<Opened> => {
    for (let wait = 250; ; wait = Math.min(wait * 2, 5_000)) {
      try {
        const opened = await open(storeId)
        let dead = false
        void opened.died.then(() => (dead = true))
        const deadline = Date.now() + 30_000
        while (seeded && !dead && Date.now() < deadline && (opened.store.query(epochSeeded$) as unknown[]).length === 0) await sleep(50)
        if (!dead) return opened
        await opened.store.shutdownPromise().catch(() => {})
      } catch (error) {
        console.warn(`opening ${storeId} failed, trying again`, error)
      }
      await sleep(wait)
    }
  }

  let current = await openLive(opts.storeId, false)
  for (;;) {
    opts.onStore?.(current.store.storeId)
    const detach = opts.attach(current.store)
    // Whichever comes first: the store says it is sealed, or its sync died.
    const next = await new Promise<{ sealed: { nextStoreId: string } | null }>((resolve) => {
      const unsubscribe = current.store.subscribe(queries.epochSealed$, (sealed) => {
        if (sealed) {
          queueMicrotask(() => unsubscribe())
          resolve({ sealed })
        }
      })
      void current.died.then(() => resolve({ sealed: null }))
    })
    if (next.sealed === null) {
      // Its sync died: open it again (the old one first, its shutdown channel is per store id).
      detach()
      const storeId = current.store.storeId
      await current.store.shutdownPromise().catch(() => {})
      current = await openLive(storeId, false)
      continue
    }
    const previous = current
    current = await openLive(next.sealed.nextStoreId, true)
    detach()
    await previous.store.shutdownPromise().catch(() => {})
  }
}

/** The `seeded` row a new epoch's store gets from its first `v1.EpochSeeded`. */
const epochSeeded$ = { query: `SELECT 1 FROM epochState WHERE key = 'seeded'`, bindValues: {} }
