import * as Schema from 'effect/Schema'
import { Ms, MutableArray } from './fields.js'

/** A worker runtime in the registry (`runners()`), most recently seen first. */
export const Runner = Schema.extend(
  Schema.Struct({
    id: Schema.String,
    host: Schema.String,
    pid: Schema.Number,
    concurrency: Schema.Number,
    startedAt: Ms,
    lastSeenAt: Ms,
    status: Schema.String,
  }),
  // Only `types` is mutable: the other fields have always been the (readonly) row's.
  Schema.mutable(Schema.Struct({ types: MutableArray(Schema.String) })),
).annotations({ identifier: 'Runner' })
export type Runner = typeof Runner.Type
