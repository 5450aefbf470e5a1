import { Schema } from 'effect'
import { TaskStatus } from '../../schema/workerTasks.js'
import { EnqueueInputSchema } from '../queue/validateInput.js'
import { BreakerState } from './schemas.js'

/**
 * What requests may carry: bodies and query parameters. Unknown fields are refused (a typo
 * such as `priorty` must not be dropped silently), and the library's own `EnqueueInputSchema`
 * is reused so HTTP and the library accept exactly the same tasks.
 */

const strict = { parseOptions: { onExcessProperty: 'error' } } as const

/** An integer query parameter within bounds ("25" → 25). */
const intParam = (name: string, min: number, max: number) =>
  Schema.NumberFromString.pipe(Schema.int(), Schema.between(min, max)).annotations({
    message: () => ({ message: `${name} must be an integer ${min}–${max}`, override: true }),
  })

const int = (name: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  Schema.Int.pipe(Schema.between(min, max)).annotations({
    message: () => ({ message: `${name} must be an integer ${min}–${max === Number.MAX_SAFE_INTEGER ? '…' : max}`, override: true }),
  })

/** A body whose fields are all optional may be left out (an empty POST). */
const orEmpty = <F extends Schema.Struct.Fields>(s: Schema.Struct<F>) =>
  Schema.transform(Schema.NullOr(s), Schema.typeSchema(s), { strict: false, decode: (v) => v ?? {}, encode: (v) => v })

// Query parameters

export const ListParams = Schema.Struct({
  status: Schema.optional(TaskStatus),
  type: Schema.optional(Schema.String),
  queue: Schema.optional(Schema.String),
  tag: Schema.optional(Schema.String),
  limit: Schema.optional(intParam('limit', 1, 1000)),
  cursor: Schema.optional(Schema.String),
}).annotations(strict)

const activityFilters = {
  since: Schema.optional(intParam('since', 0, Number.MAX_SAFE_INTEGER)),
  taskId: Schema.optional(Schema.String),
  queue: Schema.optional(Schema.String),
  type: Schema.optional(Schema.String),
  kind: Schema.optional(Schema.String),
}
export const ActivityParams = Schema.Struct({
  ...activityFilters,
  before: Schema.optional(intParam('before', 0, Number.MAX_SAFE_INTEGER)),
  limit: Schema.optional(intParam('limit', 1, 1000)),
}).annotations(strict)
export const StreamParams = Schema.Struct(activityFilters).annotations(strict)

export const ThroughputParams = Schema.Struct({ minutes: Schema.optional(intParam('minutes', 1, 1440)) }).annotations(strict)

export const WaitParams = Schema.Struct({ timeoutMs: Schema.optional(intParam('timeoutMs', 0, 300_000)) }).annotations(strict)

// Bodies

export const EnqueueInput = Schema.Struct({
  ...EnqueueInputSchema.fields,
  runAt: Schema.optional(Schema.Date.annotations({ message: () => 'runAt must be an ISO 8601 time, e.g. 2030-01-31T09:00:00Z' })),
}).annotations({ identifier: 'EnqueueInput', ...strict })

export const EnqueueBatch = Schema.Struct({ tasks: Schema.Array(EnqueueInput) }).annotations(strict)

export const QueryInput = Schema.Struct({ sql: Schema.String }).annotations(strict)

export const PruneInput = Schema.Struct({
  olderThan: Schema.Union(Schema.String, Schema.Number).annotations({
    description: 'a duration back from now ("7d", "12h"), a number of ms, or an ISO time',
  }),
}).annotations(strict)

export const ClaimInput = Schema.Struct({
  runnerId: Schema.String,
  types: Schema.optional(Schema.Array(Schema.String)),
  queues: Schema.optional(Schema.Array(Schema.String)),
  limit: Schema.optional(int('limit', 1, 1000)),
  leaseMs: Schema.optional(int('leaseMs', 1)),
  waitMs: Schema.optional(int('waitMs', 0, 30_000)).annotations({
    description: 'when nothing is eligible, wait up to this long for work (Default: 0)',
  }),
}).annotations({ identifier: 'ClaimInput', ...strict })

export const HeartbeatInput = orEmpty(Schema.Struct({ leaseMs: Schema.optional(int('leaseMs', 1)) }).annotations(strict))

export const ProgressInput = Schema.Struct({
  fraction: Schema.Number,
  message: Schema.optional(Schema.NullOr(Schema.String)),
  leaseMs: Schema.optional(int('leaseMs', 1)),
}).annotations(strict)

export const CompleteInput = orEmpty(Schema.Struct({ result: Schema.optional(Schema.Unknown) }).annotations(strict))

export const ErrorInput = Schema.Struct({
  type: Schema.optional(Schema.String),
  message: Schema.String,
  stack: Schema.optional(Schema.NullOr(Schema.String)),
}).annotations({ identifier: 'ErrorInput', ...strict })

export const FailInput = Schema.Struct({
  error: ErrorInput,
  permanent: Schema.optional(Schema.Boolean),
  retryAfterMs: Schema.optional(Schema.Number.pipe(Schema.finite(), Schema.nonNegative())),
  outcome: Schema.optional(Schema.Literal('failed', 'timedOut', 'interrupted')),
}).annotations(strict)

export const EscalateInput = Schema.Struct({
  executionId: Schema.String,
  toType: Schema.String,
  reason: Schema.Literal('failure', 'timeout'),
  error: ErrorInput,
}).annotations(strict)

export const RunnerInput = Schema.Struct({
  runnerId: Schema.String,
  types: Schema.Array(Schema.String),
  concurrency: int('concurrency', 1),
  host: Schema.optional(Schema.String),
  pid: Schema.optional(int('pid', 0)),
}).annotations(strict)

export const BreakerInput = Schema.Struct({
  type: Schema.String,
  state: BreakerState,
  consecutiveFailures: int('consecutiveFailures', 0),
  reopensAt: Schema.NullOr(Schema.Number),
}).annotations(strict)

/** PUT /api/schedules/{name}: the library's `ScheduleInput`; the task is checked by the library. */
export const ScheduleInput = Schema.Struct({
  cron: Schema.optional(Schema.String),
  timeZone: Schema.optional(Schema.String),
  every: Schema.optional(Schema.Union(Schema.Number, Schema.String)),
  task: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  catchUp: Schema.optional(Schema.Literal('skip', 'once')),
}).annotations(strict)
