import type { Store } from '@livestore/livestore'
import type { QueueSchema } from '../../schema/index.js'
import type { StorageUnavailable } from '../errors.js'
import type { AnyEvent } from './coalesce.js'

/** What the managed store (src/store/managedStore.ts) asks of an epoch plan, and what it reports. */

/** A rotation about to happen, as the epoch plan prepared it from the current store's state. */
export type PreparedRotation = {
  readonly nextStoreId: string
  /** The last activity seq of the old epoch (the new one continues after it). */
  readonly activitySeqEnd: number
  /** Committed to the old store before the switch (replicas follow it to the new store id). */
  readonly sealEvents: ReadonlyArray<AnyEvent>
  /** The working set, committed to the new store. */
  readonly seedEvents: ReadonlyArray<AnyEvent>
  /** One more event after the seed: once the leader has taken it, the seed is on disk. */
  readonly markerEvents: ReadonlyArray<AnyEvent>
}

/**
 * How a data dir's store rotates into epochs (src/epochs/plan.ts). The managed store knows when
 * and how to switch safely; the plan knows what an epoch is.
 */
export type EpochPlan = {
  /** Whether the current epoch has grown enough (`events` committed since it was seeded, its finished tasks, its age). */
  due(store: Store<QueueSchema>, events: number, now: number): boolean
  /** The sequence number the current epoch's seed ends at (growth counts from there). */
  seededThrough(): number
  prepare(store: Store<QueueSchema>, now: number): PreparedRotation
  /** The new epoch is seeded and on disk: make it current (an atomic switch). */
  switchTo(prepared: PreparedRotation, seededThrough: number, now: number): void
  /** Removes what a crashed rotation left of a store that never became current. */
  discard(storeId: string): void
  /** The old epoch is sealed and closed: its journal is no longer needed. */
  retired(storeId: string): void
  /** After each rotation (archive retention). */
  afterRotation?(): void
}

/** Why writes are refused now (`fault`: the store failed and is being reopened), or null when they are taken. */
export type WriteHealth = { state: 'ok' } | { state: 'degraded' | 'down'; error: StorageUnavailable }
