import { Events } from '@livestore/livestore'
import { Schema } from 'effect'
import { EpochMs } from './shapes.js'

/**
 * Epochs (issue 13). LiveStore never shrinks a store (docs/design.md, fact 7), so the host rotates
 * its queue into a fresh store: it seals the old one (`EpochSealed`, committed there) and seeds the
 * new one with the live working set (`EpochSeeded`, committed there, chunked). See
 * src/epochs/workingSet.ts for what is carried and in which order to commit.
 */

/** One state-table row copied verbatim: column name → SQLite value (TEXT, INTEGER/REAL, NULL). */
export const EpochRow = Schema.Record({ key: Schema.String, value: Schema.Union(Schema.String, Schema.Number, Schema.Null) })
export type EpochRow = typeof EpochRow.Type

/**
 * Rows copied verbatim from the previous epoch's state tables into a new store. A working set
 * travels in several of these (each well under ~1 MB of JSON); every chunk carries the same
 * `epoch`, `fromStoreId` and `activitySeqBase`. Materializing one inserts its rows exactly (all
 * columns, `INSERT OR IGNORE`) and makes the next activity row `activitySeqBase + 1`; doing it
 * again changes nothing.
 */
export const epochSeeded = Events.synced({
  name: 'v1.EpochSeeded',
  schema: Schema.Struct({
    /** This store's epoch number (epoch N is store `<base>-e<N>`, src/epochs/registry.ts). */
    epoch: Schema.Int,
    fromStoreId: Schema.String,
    /** The last activity `seq` handed out in the previous epoch; this store continues after it. */
    activitySeqBase: Schema.Int,
    workerTasks: Schema.Array(EpochRow),
    taskExecutions: Schema.Array(EpochRow),
    taskDependencies: Schema.Array(EpochRow),
    queues: Schema.Array(EpochRow),
    schedules: Schema.Array(EpochRow),
    circuitBreakers: Schema.Array(EpochRow),
    runners: Schema.Array(EpochRow),
    /** Kept logs and checkpoints of the carried tasks (issue 15); absent in seeds written before them. */
    executionLogs: Schema.optional(Schema.Array(EpochRow)),
    taskCheckpoints: Schema.optional(Schema.Array(EpochRow)),
    /** Rate limits, pauses and their sliding windows (issue 15); absent in seeds written before them. */
    rateLimits: Schema.optional(Schema.Array(EpochRow)),
    rateLimitClaims: Schema.optional(Schema.Array(EpochRow)),
  }),
})
export type EpochSeeded = typeof epochSeeded.schema.Type

/**
 * The store was sealed: the queue continues in `nextStoreId` (epoch `nextEpoch`). Committed in the
 * OLD store, after its last write; read replicas and the web feed follow `epochSealed$`.
 * `activitySeqEnd` is the last activity `seq` of this store (the next store's `activitySeqBase`).
 */
export const epochSealed = Events.synced({
  name: 'v1.EpochSealed',
  schema: Schema.Struct({ nextStoreId: Schema.String, nextEpoch: Schema.Int, at: EpochMs, activitySeqEnd: Schema.Int }),
})
export type EpochSealed = typeof epochSealed.schema.Type
