import * as Schema from 'effect/Schema'
import { Ms, MutableArray, NullableMs } from './fields.js'
import { BreakerState } from './statuses.js'

export const StatusCounts = Schema.mutable(
  Schema.Struct({
    pending: Schema.Number,
    processing: Schema.Number,
    completed: Schema.Number,
    failed: Schema.Number,
    cancelled: Schema.Number,
  }),
)
export type StatusCounts = typeof StatusCounts.Type

export const BreakerRow = Schema.mutable(
  Schema.Struct({
    runnerId: Schema.String,
    type: Schema.String,
    state: BreakerState,
    consecutiveFailures: Schema.Number,
    changedAt: Ms,
    reopensAt: NullableMs,
  }),
)
export type BreakerRow = typeof BreakerRow.Type

/** A task type with pending tasks that no worker has handled for a while. */
export const UnhandledType = Schema.mutable(
  Schema.Struct({
    type: Schema.String,
    /** Its pending tasks. */
    pending: Schema.Number,
    /** When a worker registered for it was last seen, or null if none ever was. */
    lastSeenAt: NullableMs.annotations({ description: 'when a worker for this type was last seen; null if none ever was' }),
    /** How long it has had pending tasks and no worker: since the later of `lastSeenAt` and its oldest pending task's creation. */
    unhandledForMs: Schema.Number,
  }),
)
export type UnhandledType = typeof UnhandledType.Type

const Counts = <V extends Schema.Schema.Any>(value: V) => Schema.mutable(Schema.Record({ key: Schema.String, value }))

export const Stats = Schema.mutable(
  Schema.Struct({
    byStatus: StatusCounts,
    byQueue: Counts(Schema.mutable(Schema.extend(StatusCounts, Schema.Struct({ paused: Schema.Boolean })))),
    byType: Counts(StatusCounts),
    /** Pending tasks by priority. */
    byPriority: Counts(Schema.Number),
    /** Age of the oldest pending task, or null when none is pending. */
    oldestPendingAgeMs: Schema.NullOr(Schema.Number),
    /** Circuit breakers of running workers that are not closed, and any that changed recently. */
    breakers: MutableArray(BreakerRow),
    /** Types with pending tasks that no worker has registered for a while ("no worker handles X"), most pending first. */
    unhandledTypes: MutableArray(UnhandledType).annotations({
      description: 'types with pending tasks that no worker has registered for a minute or more',
    }),
  }),
).annotations({ identifier: 'Stats' })
export type Stats = typeof Stats.Type
