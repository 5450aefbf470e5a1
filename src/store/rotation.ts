import type { EpochPlan } from './epochPlan.js'
import { globalSeq } from './persistence.js'
import { closeParts, type StoreParts } from './storeParts.js'

/** What a rotation needs of the managed store; the gate is already closed and drained. */
export type RotationHost = {
  current(): StoreParts
  /** Opens a store id with its journal (replayed). */
  openParts(storeId: string): Promise<StoreParts>
  /** Makes `fresh` the current store and tells the `onReplaced` listeners. */
  swapIn(fresh: StoreParts): void
  /** Whether the store still takes writes (no fault, not closed). */
  writable(): boolean
  readonly syncing: boolean
}

/**
 * One rotation into a new epoch (docs/design.md, "Epochs"). The order makes a crash at any
 * moment leave one epoch current:
 * 1. the old store's writes are persisted;
 * 2. the working set is read, the old store sealed (a seal event replicas follow);
 * 3. the new store is opened (leftovers of a crashed attempt removed first) and seeded, and a
 *    marker committed after the seed: once the leader has the marker, the seed is on disk;
 * 4. the registry switches (one atomic rename): from here on the new epoch is current;
 * 5. the new store is swapped in, the old one closed (its memory freed).
 * A crash before 4 leaves the old epoch current (a sealed one, which the next start rotates again
 * at once); after 4, the new one, complete. A failure leaves the old epoch current and is logged.
 */
export const rotateOnce = async (plan: EpochPlan, host: RotationHost): Promise<void> => {
  let fresh: StoreParts | null = null
  try {
    const old = host.current()
    await old.group.drain()
    if (!host.writable()) return
    const now = Date.now()
    const prepared = plan.prepare(old.store, now)
    await old.group.submit(prepared.sealEvents)
    plan.discard(prepared.nextStoreId)
    fresh = await host.openParts(prepared.nextStoreId)
    // A few seed events per commit: 18 events of up to 512 KiB in one commit held the event
    // loop for 1.5 s (10,000 pending tasks); two at a time keeps each commit short.
    for (let i = 0; i < prepared.seedEvents.length; i += 2) await fresh.group.submit(prepared.seedEvents.slice(i, i + 2))
    await fresh.group.submit(prepared.markerEvents)
    plan.switchTo(prepared, globalSeq(fresh.store.syncStatus().localHead), now)
    host.swapIn(fresh)
    fresh = null
    await closeParts(old, { syncing: host.syncing })
    plan.retired(old.storeId)
    plan.afterRotation?.()
  } catch (error) {
    process.stderr.write(`livequeue: rotating into a new epoch failed, staying on this one: ${(error as Error)?.message ?? error}\n`)
    if (fresh) await closeParts(fresh, { syncing: false })
  }
}
