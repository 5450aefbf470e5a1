import { Schema } from 'effect'
import { BackoffPolicy, ErrorInfo } from '../../events/shapes.js'
import { ExecutionStatus } from '../../schema/taskExecutions.js'
import { TaskStatus } from '../../schema/workerTasks.js'
import type * as LibLogs from '../queue/logTypes.js'
import type * as LibRunners from '../queue/runners.js'
import type * as LibThroughput from '../queue/throughput.js'
import type * as Lib from '../queue/types.js'
import { ActivityEntrySchema } from '../../schema/activity.js'

/**
 * The answers' shapes, for the OpenAPI document. Handlers send the library's objects as they
 * are (no re-encoding on the hot path); the assertions at the bottom keep these schemas in step
 * with the library's types, so the document cannot drift from what is sent.
 */

const Ms = Schema.Number.annotations({ description: 'ms since the Unix epoch' })
const NullableMs = Schema.NullOr(Ms)

export const LogLine = Schema.Struct({
  id: Schema.Number.annotations({ description: "orders every line of the store: a follower's cursor" }),
  seq: Schema.Number.annotations({ description: "the line's number in its execution, from 1" }),
  at: Ms,
  message: Schema.String,
  fields: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
}).annotations({ identifier: 'LogLine' })

export const Checkpoint = Schema.Struct({
  data: Schema.Unknown,
  savedAt: Ms,
  executionId: Schema.String,
  attempt: Schema.Number,
}).annotations({ identifier: 'Checkpoint', description: "the task's last saved checkpoint: its next attempt resumes from it" })

export const TaskLogs = Schema.Struct({
  items: Schema.Array(Schema.extend(LogLine, Schema.Struct({ executionId: Schema.String, attempt: Schema.Number }))),
  cursor: Schema.Number.annotations({ description: 'pass as `after` for the lines that follow' }),
  finished: Schema.Boolean.annotations({ description: 'the task is finished and every line is here: following can stop' }),
}).annotations({ identifier: 'TaskLogs' })

export const AppendLogsResult = Schema.Struct({
  kept: Schema.Number,
  ignored: Schema.Number.annotations({ description: 'lines of executions the store does not hold (pruned, archived)' }),
}).annotations({ identifier: 'AppendLogsResult' })

export const Execution = Schema.Struct({
  id: Schema.String,
  taskId: Schema.String,
  attempt: Schema.Number,
  runnerId: Schema.String,
  status: ExecutionStatus,
  startedAt: Ms,
  finishedAt: NullableMs,
  progress: Schema.NullOr(Schema.Number),
  progressMessage: Schema.NullOr(Schema.String),
  result: Schema.Unknown,
  error: Schema.NullOr(ErrorInfo),
  durationMs: Schema.NullOr(Schema.Number),
  logs: Schema.optional(Schema.Array(LogLine)).annotations({ description: 'kept ctx.log lines, oldest first (the newest 1,000 / 256 KiB)' }),
  droppedLines: Schema.optional(Schema.Number).annotations({ description: 'lines of this execution that were not kept' }),
}).annotations({ identifier: 'Execution' })

export const Task = Schema.Struct({
  id: Schema.String,
  type: Schema.String,
  queue: Schema.String,
  payload: Schema.Unknown,
  priority: Schema.Number,
  status: TaskStatus,
  processAfter: Ms,
  createdAt: Ms,
  updatedAt: Ms,
  attempts: Schema.Number,
  maxAttempts: Schema.Number,
  backoff: BackoffPolicy,
  timeoutMs: Schema.NullOr(Schema.Number),
  dependsOn: Schema.Array(Schema.String),
  blockedBy: Schema.Number.annotations({ description: 'dependencies not settled yet (not completed, or not ended for onDependencyFailure run)' }),
  onDependencyFailure: Schema.Literal('cancel', 'run').annotations({
    description: 'when a dependency fails for good or is cancelled: cancel this task too, or run it anyway',
  }),
  cancelReason: Schema.NullOr(Schema.String).annotations({
    description: 'why the queue cancelled it (a dependency failed or was cancelled); null otherwise',
  }),
  idempotencyKey: Schema.NullOr(Schema.String),
  tags: Schema.Array(Schema.String),
  metadata: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  result: Schema.Unknown,
  lastError: Schema.NullOr(ErrorInfo),
  currentExecutionId: Schema.NullOr(Schema.String),
  runnerId: Schema.NullOr(Schema.String),
  leaseUntil: NullableMs,
  cancelRequested: Schema.Boolean,
  finishedAt: NullableMs,
  escalatedFrom: Schema.NullOr(Schema.String),
  escalatedTo: Schema.NullOr(Schema.String),
  createdBy: Schema.NullOr(Schema.String).annotations({ description: 'the token name that enqueued it over HTTP' }),
  traceparent: Schema.NullOr(Schema.String).annotations({
    description:
      "the W3C trace context of the span that enqueued it (the caller's traceparent header, or the host's enqueue span); each execution's span is its child",
  }),
  tracestate: Schema.NullOr(Schema.String).annotations({ description: 'the W3C tracestate that goes with traceparent' }),
  deduplicated: Schema.optional(Schema.Boolean),
  executions: Schema.optional(Schema.Array(Execution)),
  checkpoint: Schema.optional(Schema.NullOr(Checkpoint)),
}).annotations({ identifier: 'Task' })

export const TaskPage = Schema.Struct({ items: Schema.Array(Task), nextCursor: Schema.NullOr(Schema.String) })
export const TaskList = Schema.Struct({ items: Schema.Array(Task) })

export const Claim = Schema.Struct({
  task: Task,
  executionId: Schema.String,
  attempt: Schema.Number,
  leaseUntil: Ms,
  checkpoint: Schema.optional(Checkpoint),
}).annotations({
  identifier: 'Claim',
})

export const ActivityEntry = ActivityEntrySchema.annotations({ identifier: 'ActivityEntry' })

export const Runner = Schema.Struct({
  id: Schema.String,
  host: Schema.String,
  pid: Schema.Number,
  types: Schema.Array(Schema.String),
  concurrency: Schema.Number,
  startedAt: Ms,
  lastSeenAt: Ms,
  status: Schema.String,
}).annotations({ identifier: 'Runner' })

const StatusCounts = Schema.Struct({
  pending: Schema.Number,
  processing: Schema.Number,
  completed: Schema.Number,
  failed: Schema.Number,
  cancelled: Schema.Number,
})

export const BreakerState = Schema.Literal('closed', 'open', 'halfOpen')

export const Stats = Schema.Struct({
  byStatus: StatusCounts,
  byQueue: Schema.Record({ key: Schema.String, value: Schema.extend(StatusCounts, Schema.Struct({ paused: Schema.Boolean })) }),
  byType: Schema.Record({ key: Schema.String, value: StatusCounts }),
  byPriority: Schema.Record({ key: Schema.String, value: Schema.Number }),
  oldestPendingAgeMs: Schema.NullOr(Schema.Number),
  breakers: Schema.Array(
    Schema.Struct({
      runnerId: Schema.String,
      type: Schema.String,
      state: BreakerState,
      consecutiveFailures: Schema.Number,
      changedAt: Ms,
      reopensAt: NullableMs,
    }),
  ),
  unhandledTypes: Schema.Array(
    Schema.Struct({
      type: Schema.String,
      pending: Schema.Number,
      lastSeenAt: NullableMs.annotations({ description: 'when a worker for this type was last seen; null if none ever was' }),
      unhandledForMs: Schema.Number,
    }),
  ).annotations({ description: 'types with pending tasks that no worker has registered for a minute or more' }),
}).annotations({ identifier: 'Stats' })

export const ReportResult = Schema.Struct({
  accepted: Schema.Boolean.annotations({ description: 'false when the execution no longer holds its task (its lease expired)' }),
  cancelRequested: Schema.Boolean,
  leaseUntil: NullableMs,
}).annotations({ identifier: 'ReportResult' })

export const FailResult = Schema.extend(ReportResult, Schema.Struct({ retryAt: NullableMs })).annotations({ identifier: 'FailResult' })

/** A recurring task's schedule, with its next fire time. */
export const Schedule = Schema.Struct({
  name: Schema.String,
  cron: Schema.NullOr(Schema.String),
  everyMs: Schema.NullOr(Schema.Number),
  timeZone: Schema.NullOr(Schema.String),
  task: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  catchUp: Schema.Literal('skip', 'once'),
  enabled: Schema.Boolean,
  createdAt: Schema.Number,
  updatedAt: Schema.Number,
  lastSlotAt: Schema.NullOr(Schema.Number),
  lastTaskId: Schema.NullOr(Schema.String),
  nextFireAt: Schema.NullOr(Schema.Number),
}).annotations({ identifier: 'Schedule' })

export const Throughput = Schema.Struct({
  bucketMs: Schema.Number,
  buckets: Schema.Array(Schema.Struct({ at: Ms, completed: Schema.Number, failed: Schema.Number })),
}).annotations({ identifier: 'Throughput' })

/** Who the caller is: what the dashboard asks before it shows buttons a role may not use. */
export const WhoAmI = Schema.Struct({
  name: Schema.NullOr(Schema.String).annotations({ description: "the token's name; null on a host without tokens" }),
  role: Schema.Literal('admin', 'producer', 'worker', 'viewer'),
  tokens: Schema.Boolean.annotations({ description: 'whether this host requires tokens' }),
}).annotations({ identifier: 'WhoAmI' })

export const Ok = Schema.Struct({ ok: Schema.Literal(true) })

// Compile-time checks: the library's values fit these schemas (a field added there fails here).
type Fits<L, Doc> = L extends Doc ? (Exclude<keyof L, keyof Doc> extends never ? true : never) : never
const fits = <_ extends true>() => undefined
fits<Fits<Lib.Task, typeof Task.Type>>()
fits<Fits<Lib.Claim, typeof Claim.Type>>()
fits<Fits<Lib.ActivityEntry, typeof ActivityEntry.Type>>()
fits<Fits<LibRunners.Runner, typeof Runner.Type>>()
fits<Fits<Lib.Stats, typeof Stats.Type>>()
fits<Fits<LibThroughput.Throughput, typeof Throughput.Type>>()
fits<Fits<Lib.ReportResult, typeof ReportResult.Type>>()
fits<Fits<LibLogs.TaskLogs, typeof TaskLogs.Type>>()
fits<Fits<LibLogs.AppendLogsResult, typeof AppendLogsResult.Type>>()
