import { Schema } from 'effect'
import { TaskStatus } from '../../schema/workerTasks.js'
import {
  MAX_LOG_LINES_PER_BATCH,
  MAX_LEASE_MS,
  MAX_RATE_LIMITED_MS,
  MAX_PROGRESS_MESSAGE_CHARS,
  MAX_RETRY_AFTER_MS,
  MAX_RUNNER_ID_CHARS,
  MIN_LEASE_MS,
} from '../limits.js'
import { EnqueueInputSchema, inTimeRange, MsBetween } from '../queue/validateInput.js'
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

// Query parameters

export const ListParams = Schema.Struct({
  status: Schema.optional(TaskStatus),
  type: Schema.optional(Schema.String),
  queue: Schema.optional(Schema.String),
  tag: Schema.optional(Schema.String),
  limit: Schema.optional(intParam('limit', 1, 1000)),
  cursor: Schema.optional(Schema.String),
  /** Also list archived tasks (finished tasks in sealed epochs), after the current ones. */
  archived: Schema.optional(Schema.BooleanFromString.annotations({ message: () => ({ message: 'archived must be true or false', override: true }) })),
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

/** GET /api/tasks/{id}/logs: lines after the cursor `after`; `waitMs` long-polls for the next one. */
export const LogsParams = Schema.Struct({
  after: Schema.optional(intParam('after', 0, Number.MAX_SAFE_INTEGER)),
  waitMs: Schema.optional(intParam('waitMs', 0, 300_000)),
  limit: Schema.optional(intParam('limit', 1, MAX_LOG_LINES_PER_BATCH)),
}).annotations(strict)

export const WaitParams = Schema.Struct({ timeoutMs: Schema.optional(intParam('timeoutMs', 0, 300_000)) }).annotations(strict)

// Bodies

export const EnqueueInput = Schema.Struct({
  ...EnqueueInputSchema.fields,
  runAt: Schema.optional(
    Schema.Date.annotations({ message: () => 'runAt must be an ISO 8601 time, e.g. 2030-01-31T09:00:00Z' }).pipe(Schema.filter(inTimeRange)),
  ),
}).annotations({ identifier: 'EnqueueInput', ...strict })

export const EnqueueBatch = Schema.Struct({ tasks: Schema.Array(EnqueueInput) }).annotations(strict)

export const QueryInput = Schema.Struct({ sql: Schema.String }).annotations(strict)

export const PruneInput = Schema.Struct({
  olderThan: Schema.Union(Schema.String, Schema.Number).annotations({
    description: 'a duration back from now ("7d", "12h"), a number of ms, or an ISO time',
  }),
}).annotations(strict)

/** The runner a report comes from: the host checks it against the claim (NotClaimant otherwise). */
const RunnerId = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(MAX_RUNNER_ID_CHARS)).annotations({
  message: () => ({ message: `runnerId must be the claiming runner's id, 1–${MAX_RUNNER_ID_CHARS} characters`, override: true }),
})

const LeaseMs = int('leaseMs', MIN_LEASE_MS, MAX_LEASE_MS)

export const ClaimInput = Schema.Struct({
  runnerId: RunnerId,
  types: Schema.optional(Schema.Array(Schema.String)),
  queues: Schema.optional(Schema.Array(Schema.String)),
  limit: Schema.optional(int('limit', 1, 1000)),
  leaseMs: Schema.optional(LeaseMs),
  waitMs: Schema.optional(int('waitMs', 0, 30_000)).annotations({
    description: 'when nothing is eligible, wait up to this long for work (Default: 0)',
  }),
}).annotations({ identifier: 'ClaimInput', ...strict })

export const HeartbeatInput = Schema.Struct({ runnerId: RunnerId, leaseMs: Schema.optional(LeaseMs) }).annotations(strict)

export const ProgressInput = Schema.Struct({
  runnerId: RunnerId,
  fraction: Schema.Number,
  message: Schema.optional(
    Schema.NullOr(
      Schema.String.pipe(Schema.maxLength(MAX_PROGRESS_MESSAGE_CHARS, { message: () => `message must be at most ${MAX_PROGRESS_MESSAGE_CHARS} characters` })),
    ),
  ),
  leaseMs: Schema.optional(LeaseMs),
}).annotations(strict)

/** The result is checked by the library (plain JSON, depth ≤ 64, ≤ maxPayloadBytes). */
export const CompleteInput = Schema.Struct({ runnerId: RunnerId, result: Schema.optional(Schema.Unknown) }).annotations(strict)

/** POST /api/completions: 1–1,000 completions, each as POST /api/executions/{id}/complete takes it. */
export const CompletionsInput = Schema.Struct({
  completions: Schema.Array(Schema.Struct({ executionId: Schema.String, runnerId: RunnerId, result: Schema.optional(Schema.Unknown) })).pipe(
    Schema.minItems(1),
    Schema.maxItems(1000),
  ),
  claim: Schema.optional(
    ClaimInput.pipe(Schema.omit('waitMs')).annotations({
      description: 'claim this many tasks again in the same commit, for the slots these completions free (never waits)',
    }),
  ),
}).annotations({ identifier: 'CompletionsInput', ...strict })

export const ErrorInput = Schema.Struct({
  type: Schema.optional(Schema.String),
  message: Schema.String,
  stack: Schema.optional(Schema.NullOr(Schema.String)),
}).annotations({ identifier: 'ErrorInput', ...strict })

export const FailInput = Schema.Struct({
  runnerId: RunnerId,
  error: ErrorInput,
  permanent: Schema.optional(Schema.Boolean),
  retryAfterMs: Schema.optional(MsBetween(`retryAfterMs must be a number of ms from 0 to ${MAX_RETRY_AFTER_MS} (100 years)`, MAX_RETRY_AFTER_MS)),
  outcome: Schema.optional(Schema.Literal('failed', 'timedOut', 'interrupted')),
  rateLimitedMs: Schema.optional(
    MsBetween(`rateLimitedMs must be a number of ms from 1 to ${MAX_RATE_LIMITED_MS} (30 days)`, MAX_RATE_LIMITED_MS, 1).annotations({
      description: "ctx.rateLimited(ms): retry after ms without using up the attempt, and pause the task's type as long for every worker",
    }),
  ),
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

/** POST /api/logs: a worker's buffered log lines (the library checks each line: message, fields, times). */
export const LogsInput = Schema.Struct({
  runnerId: RunnerId,
  lines: Schema.Array(
    Schema.Struct({
      executionId: Schema.String,
      seq: Schema.Number,
      at: Schema.Number,
      message: Schema.String,
      fields: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
    }).annotations(strict),
  ).pipe(Schema.maxItems(MAX_LOG_LINES_PER_BATCH)),
}).annotations({ identifier: 'LogsInput', ...strict })

/** POST /api/executions/{id}/checkpoint: the value is checked by the library (plain JSON, ≤ 256 KiB). */
export const CheckpointInput = Schema.Struct({ runnerId: RunnerId, data: Schema.Unknown }).annotations(strict)

/** PUT /api/limits/{scope}/{name}: the bounds are the library's (a 400 names the field). */
export const RateLimitInput = Schema.Struct({ max: Schema.Number, perMs: Schema.Number }).annotations({ identifier: 'RateLimitInput', ...strict })
