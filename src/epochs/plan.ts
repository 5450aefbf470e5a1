import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Store } from '@livestore/livestore'
import { events } from '../../events/index.js'
import type { QueueSchema } from '../../schema/index.js'
import { journalFile } from '../store/journal.js'
import type { EpochPlan, PreparedRotation } from '../store/epochPlan.js'
import { currentEpoch, type EpochRegistry, epochStoreId, readRegistry, rotated, writeRegistry } from './registry.js'
import { readWorkingSet, seedMarker } from './workingSet.js'

/**
 * When the current epoch is full. 50,000 events is a few hours of `npm start --demo` and a state
 * database of ~100 MB at most, so a host's memory stays a few hundred MiB (docs/design.md, fact 7:
 * 1.2 GiB at 100,000 finished tasks without epochs). `LIVEQUEUE_EPOCH_EVENTS` sets it for tests
 * and small deployments.
 */
export const DEFAULT_EPOCH_EVENTS = 50_000
/** An epoch with any events is sealed after a week, so history moves to the archive in time for retention. */
export const DEFAULT_EPOCH_MAX_AGE_MS = 7 * 86_400_000
/**
 * Finished tasks an epoch holds before it rotates. Batch events make events a poor measure of
 * size (1,000 tasks can be 3 events), and memory follows the tasks kept: a soak run held 491 MiB
 * RSS at 20,000 finished tasks in one store (bench/README.md, "Soak").
 */
export const DEFAULT_EPOCH_FINISHED_TASKS = 10_000
/** Counting finished tasks walks an index: at most this often. */
const FINISHED_CHECK_MS = 2_000

export type EpochOptions = {
  /** Rotate once this many events were committed in the epoch. (Default: `LIVEQUEUE_EPOCH_EVENTS`, else 50,000) */
  maxEvents?: number
  /** Rotate once the epoch holds this many finished (completed or cancelled) tasks. (Default: 10,000) */
  maxFinishedTasks?: number
  /** Rotate an epoch this old. (Default: 7 days) */
  maxAgeMs?: number
  /** Called after each rotation (the host applies archive retention there). */
  afterRotation?: () => void
  /** Rotate by itself when due. A short-lived CLI process opens with false. (Default: true) */
  automatic?: boolean
}

const envEvents = (): number | undefined => {
  const value = Number(process.env.LIVEQUEUE_EPOCH_EVENTS)
  return Number.isInteger(value) && value > 0 ? value : undefined
}

/** The epochs of an fs store's data dir: which store is current, when to rotate, how to switch. */
export const makeEpochPlan = (opts: { dataDir: string; base: string } & EpochOptions) => {
  const { dataDir, base } = opts
  const maxEvents = opts.maxEvents ?? envEvents() ?? DEFAULT_EPOCH_EVENTS
  const maxAgeMs = opts.maxAgeMs ?? DEFAULT_EPOCH_MAX_AGE_MS
  const maxFinished = opts.maxFinishedTasks ?? DEFAULT_EPOCH_FINISHED_TASKS
  let finishedCheckedAt = 0
  let registry: EpochRegistry = readRegistry(dataDir, base)
  const startedAt = Date.now()

  const discard = (storeId: string) => {
    fs.rmSync(path.join(dataDir, storeId), { recursive: true, force: true })
    fs.rmSync(journalFile(dataDir, storeId), { force: true })
  }
  // What a crashed rotation left: the next epoch's store that never became current, and the
  // journals of sealed epochs (everything in them is in their event logs: they were drained).
  const current = currentEpoch(registry)
  discard(epochStoreId(base, current.number + 1))
  for (const epoch of registry.epochs) if (epoch.sealedAt !== null) fs.rmSync(journalFile(dataDir, epoch.storeId), { force: true })

  const plan: EpochPlan & { currentStoreId(): string; isSealed(store: Store<QueueSchema>): boolean } = {
    currentStoreId: () => currentEpoch(registry).storeId,
    isSealed: (store) => (store.query({ query: `SELECT 1 FROM epochState WHERE key = 'sealed'`, bindValues: {} }) as unknown[]).length > 0,
    seededThrough: () => currentEpoch(registry).seededThrough ?? 0,
    due(store, eventCount, now) {
      if (opts.automatic === false) return false
      if (eventCount >= maxEvents) return true
      const openedAt = currentEpoch(registry).openedAt || startedAt
      if (eventCount > 0 && now - openedAt >= maxAgeMs) return true
      if (now - finishedCheckedAt < FINISHED_CHECK_MS) return false
      finishedCheckedAt = now
      const [row] = store.query({
        query: `SELECT count(*) AS n FROM workerTasks WHERE status IN ('completed', 'cancelled')`,
        bindValues: {},
      }) as Array<{ n: number }>
      return (row?.n ?? 0) >= maxFinished
    },
    prepare(store, now): PreparedRotation {
      const from = currentEpoch(registry)
      const next = from.number + 1
      const nextStoreId = epochStoreId(base, next)
      const seed = readWorkingSet(store, { epoch: next, fromStoreId: from.storeId })
      return {
        nextStoreId,
        activitySeqEnd: seed.activitySeqBase,
        sealEvents: [events.epochSealed({ nextStoreId, nextEpoch: next, at: now, activitySeqEnd: seed.activitySeqBase })],
        seedEvents: seed.events,
        markerEvents: [seedMarker({ epoch: next, fromStoreId: from.storeId, activitySeqBase: seed.activitySeqBase })],
      }
    },
    switchTo(prepared, seededThrough, now) {
      // Re-read: `livequeue archive drop` or retention may have marked an archive dropped since.
      const next = rotated(readRegistry(dataDir, base), now, prepared.activitySeqEnd, seededThrough)
      writeRegistry(dataDir, next)
      registry = next
    },
    discard,
    retired: (storeId) => fs.rmSync(journalFile(dataDir, storeId), { force: true }),
    ...(opts.afterRotation ? { afterRotation: opts.afterRotation } : {}),
  }
  return plan
}
