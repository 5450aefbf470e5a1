import type { OwnedStore } from '../store/ownedStore.js'
import type { TaskTypes } from '../tasks/registry.js'
import type { LeaseBook } from './leases.js'

type Bind = string | number | null

/** What every queue command and read gets: the store, its group commit, and the clock. */
export type QueueContext = {
  readonly owned: OwnedStore
  /** The clock; tests move it. (Default: Date.now) */
  readonly now: () => number
  /** Randomness for retry jitter. (Default: Math.random) */
  readonly random: () => number
  /** Caps: payload bytes. */
  readonly maxPayloadBytes: number
  /** Lease deadlines moved by heartbeats, kept in memory (src/queue/leases.ts). */
  readonly leases: LeaseBook
  /** Declared task types: their defaults and payload schemas apply at enqueue (src/tasks/). */
  readonly taskTypes: TaskTypes
}

/** A read-only SQL query over the state tables. */
export const select = <T>(ctx: QueueContext, query: string, bindValues: Record<string, Bind> = {}): T[] => ctx.owned.store.query({ query, bindValues }) as T[]

export const selectOne = <T>(ctx: QueueContext, query: string, bindValues: Record<string, Bind> = {}): T | undefined => select<T>(ctx, query, bindValues)[0]
