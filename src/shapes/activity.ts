import * as Schema from 'effect/Schema'

/** An activity row as queries return it (the live feed, the HTTP API). */
export const ActivityEntry = Schema.mutable(
  Schema.Struct({
    seq: Schema.Number,
    at: Schema.Number,
    /** Null for entries about no single task (a circuit breaker changing state). */
    taskId: Schema.NullOr(Schema.String),
    executionId: Schema.NullOr(Schema.String),
    kind: Schema.String,
    type: Schema.NullOr(Schema.String),
    queue: Schema.NullOr(Schema.String),
    summary: Schema.String,
  }),
).annotations({ identifier: 'ActivityEntry' })
export type ActivityEntry = typeof ActivityEntry.Type
