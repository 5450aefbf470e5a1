import * as Schema from 'effect/Schema'
import { Ms, MutableArray } from './fields.js'

/** Completed and failed executions per minute, oldest minute first, every minute present (zeros too). */
export const Throughput = Schema.mutable(
  Schema.Struct({
    bucketMs: Schema.Number,
    buckets: MutableArray(Schema.mutable(Schema.Struct({ at: Ms, completed: Schema.Number, failed: Schema.Number }))),
  }),
).annotations({ identifier: 'Throughput' })
export type Throughput = typeof Throughput.Type
