import type { Store } from '@livestore/livestore'
import { epochSealed$ } from '../../schema/queries.js'
import { readWorkingSet } from '../epochs/workingSet.js'
import { globalSeq } from '../store/persistence.js'
import { subscribeLive } from '../store/subscribeLive.js'
import type { ReplicaStore } from './readOnlyStore.js'

/** What `epochSealed$` says of a sealed store. */
export type SealedEpoch = { nextStoreId: string; nextEpoch: number; at: number; activitySeqEnd: number }

/** A replica moved on to the next epoch's store. */
export type EpochSwitch = {
  /** The store the replica reads now. */
  storeId: string
  epoch: number
  /** The sealed store it left. */
  previousStoreId: string
  /** The last activity seq of the sealed store; the new store's entries come after it. */
  activitySeqEnd: number
  /** When the host sealed the previous store (ms epoch). */
  sealedAt: number
}

/** A replica store as `open` gives it: `died` resolves (with why) if LiveStore shuts it down. */
export type OpenedReplicaStore = { store: Store<any>; died: Promise<string> }

export type FollowEpochsOptions = {
  owned: ReplicaStore
  /** The store `owned` holds now, as `open` gave it. */
  initial: OpenedReplicaStore
  /** Opens a replica store for a store id (same sync backend), resolving after its initial sync. */
  open(storeId: string): Promise<OpenedReplicaStore>
  /** Before the swap, with the old store still current: activity followers read it to its end. */
  beforeSwitch(sealed: SealedEpoch): Promise<void>
  onSwitch(info: EpochSwitch): void
  /** How long to wait for the next store's seed before swapping anyway. (Default: 30000) */
  seedTimeoutMs?: number
  /** How long one attempt to open a store may take. (Default: 30000) */
  openTimeoutMs?: number
  /** The first wait before opening a store again after a failure; it doubles up to 5 s. (Default: 250) */
  retryMs?: number
  log?: (message: string) => void
}

export type EpochFollower = {
  /** Resolves once the replica is on a live store that is not sealed: every switch so far done. */
  settled(): Promise<void>
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Shuts a store down without waiting forever on one that does not answer. */
const shutDown = async (store: Store<any>): Promise<void> => {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([store.shutdownPromise().catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000)))])
  clearTimeout(timer)
}

/**
 * How many events the next epoch's store holds once its seed is complete: the host reads the
 * working set of the old store right before sealing it, commits it as `v1.EpochSeeded` chunks
 * into the new store, then one empty `EpochSeeded` (the marker). The sealed store's state here is
 * the host's at that moment (the seal only writes `epochState`), so the same read gives the
 * same chunks.
 */
const seedEventCount = (sealedStore: Store<any>, sealed: SealedEpoch): number =>
  readWorkingSet(sealedStore, { epoch: sealed.nextEpoch, fromStoreId: sealedStore.storeId }).events.length + 1

type Current = OpenedReplicaStore & { dead: string | null }

/**
 * Keeps a replica on the host's current store:
 * - **Epochs** (issue 13): when the store says it is sealed (`epochSealed$`), opens the next store
 *   from the same backend, waits for its seed, lets activity followers read the old store to its
 *   end, swaps the new store in (live queries subscribe again through `onReplaced`) and shuts the
 *   old one down. The new store may be sealed already (a replica opened on an old store id): the
 *   chain is followed to the current store.
 * - **A store whose sync died** is opened again (same id) and swapped in. sync-cf 0.4.0 can send a
 *   client one event twice when its pull starts while the host pushes (the Durable Object
 *   registers the pull, then reads the stored events, while the push broadcasts to registered
 *   pulls); LiveStore's leader then dies on "Incoming events must be greater than upstream head"
 *   and never pulls again. Opening the next epoch's store is exactly such a moment. A replica's
 *   store is opened with `onSyncError: 'shutdown'`, so that shows as the store shutting down.
 */
export const followEpochs = (opts: FollowEpochsOptions): EpochFollower => {
  const { owned } = opts
  const seedTimeoutMs = opts.seedTimeoutMs ?? 30_000
  const retryMs = opts.retryMs ?? 250
  const openTimeoutMs = opts.openTimeoutMs ?? 30_000
  const log = opts.log ?? ((message: string) => process.stderr.write(`livequeue replica: ${message}\n`))
  let closed = false
  let working: Promise<void> | null = null
  let waiters: Array<() => void> = []
  let current: Current = { ...opts.initial, dead: null }

  const watch = (opened: Current) => {
    void opened.died.then((reason) => {
      opened.dead = reason
      if (!closed && opened === current) setImmediate(check)
    })
  }
  watch(current)

  const sealedNow = (): SealedEpoch | null => (current.store.query(epochSealed$) as SealedEpoch | null) ?? null
  const release = () => {
    const ready = waiters
    waiters = []
    for (const resolve of ready) resolve()
  }

  /** `open`, given up after `openTimeoutMs` (a store that opens later is shut down). */
  const openBounded = (storeId: string): Promise<OpenedReplicaStore> => {
    const opening = opts.open(storeId)
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void opening.then((late) => shutDown(late.store)).catch(() => {})
        reject(new Error(`it did not open within ${openTimeoutMs} ms`))
      }, openTimeoutMs)
    })
    return Promise.race([opening, timeout]).finally(() => clearTimeout(timer))
  }

  /** Opens `storeId` until it opens and lives; with `seedEvents`, until it also holds that many events. */
  const openLive = async (storeId: string, seedEvents = 0): Promise<Current | null> => {
    let wait = retryMs
    for (;;) {
      if (closed) return null
      let opened: Current | null = null
      try {
        opened = { ...(await openBounded(storeId)), dead: null }
        watch(opened)
        const deadline = Date.now() + seedTimeoutMs
        while (!closed && opened.dead === null && globalSeq(opened.store.syncStatus().localHead) < seedEvents) {
          if (Date.now() > deadline) {
            const head = globalSeq(opened.store.syncStatus().localHead)
            log(`${storeId} has ${head} of its ${seedEvents} seed events after ${seedTimeoutMs} ms; switching anyway`)
            break
          }
          await sleep(25)
        }
        if (closed) {
          await shutDown(opened.store)
          return null
        }
        if (opened.dead === null) return opened
        log(`${storeId} stopped syncing as it opened (${opened.dead}); opening it again`)
        await shutDown(opened.store)
      } catch (error) {
        if (opened) await shutDown(opened.store)
        log(`opening ${storeId} failed, trying again: ${(error as Error)?.message ?? error}`)
      }
      await sleep(wait)
      wait = Math.min(wait * 2, 5_000)
    }
  }

  const swapIn = async (next: Current): Promise<void> => {
    const previous = current
    current = next
    owned.replace(next.store)
    await shutDown(previous.store)
  }

  const reopen = async (): Promise<void> => {
    const storeId = current.store.storeId
    log(`${storeId} stopped syncing (${current.dead}); opening it again`)
    // Gone first: LiveStore's shutdown channel is per store id (docs/design.md, fact 10), and a
    // store opened beside one that is still shutting down was seen never to open.
    await shutDown(current.store)
    const next = await openLive(storeId)
    if (next !== null) await swapIn(next)
  }

  const switchTo = async (sealed: SealedEpoch): Promise<void> => {
    const previous = current
    const next = await openLive(sealed.nextStoreId, seedEventCount(previous.store, sealed))
    if (next === null) return
    // The sealed store must be readable to hand its last entries to followers: if it died
    // meanwhile, open it again first (the next check does), then come back here.
    if (closed || previous.dead !== null) return void (await shutDown(next.store))
    await opts.beforeSwitch(sealed)
    if (closed || previous.dead !== null) return void (await shutDown(next.store))
    await swapIn(next)
    try {
      opts.onSwitch({
        storeId: next.store.storeId,
        epoch: sealed.nextEpoch,
        previousStoreId: previous.store.storeId,
        activitySeqEnd: sealed.activitySeqEnd,
        sealedAt: sealed.at,
      })
    } catch {}
  }

  const run = (what: string, work: () => Promise<void>) => {
    working = work()
      .catch(async (error) => {
        log(`${what} failed, trying again: ${(error as Error)?.message ?? error}`)
        await sleep(1_000)
      })
      .finally(() => {
        working = null
        // The new store may be sealed too (a chain of rotations), or have died: look again.
        setImmediate(check)
      })
  }

  function check(): void {
    if (closed || working) return
    if (current.dead !== null) {
      run(`reopening ${current.store.storeId}`, reopen)
      return
    }
    const sealed = sealedNow()
    if (sealed === null) release()
    else run(`following ${sealed.nextStoreId}`, () => switchTo(sealed))
  }

  // Reading inside the subscription's update cycle is not allowed: defer it. Subscribes again on
  // every new store, which runs `check` on it at once.
  const unsubscribe = subscribeLive(owned, epochSealed$, () => void setImmediate(check))
  owned.beforeClose(async () => {
    closed = true
    unsubscribe()
    await working
    release()
  })

  return {
    settled() {
      if (closed || (!working && current.dead === null && sealedNow() === null)) return Promise.resolve()
      return new Promise<void>((resolve) => waiters.push(resolve))
    },
  }
}
