import * as Schema from 'effect/Schema'
import { BackoffPolicy, ErrorInfo } from '../../events/shapes.js'
import { JsonObject, Ms, MutableArray, NullableMs } from './fields.js'
import { Checkpoint, LogLine } from './logs.js'
import { ExecutionStatus, OnDependencyFailure, Priority, TaskStatus } from './statuses.js'

/** A task's attempts: one execution each. */
export const Execution = Schema.mutable(
  Schema.Struct({
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
    /** Set by `get`: the execution's kept `ctx.log` lines, oldest first (the newest 1,000 / 256 KiB). */
    logs: Schema.optional(MutableArray(LogLine)).annotations({ description: 'kept ctx.log lines, oldest first (the newest 1,000 / 256 KiB)' }),
    /** Set by `get`: how many of its lines were not kept (over the bound, or dropped by the worker). */
    droppedLines: Schema.optional(Schema.Number).annotations({ description: 'lines of this execution that were not kept' }),
  }),
).annotations({ identifier: 'Execution' })
export type Execution = typeof Execution.Type

export const Task = Schema.mutable(
  Schema.Struct({
    id: Schema.String,
    type: Schema.String,
    queue: Schema.String,
    payload: Schema.Unknown,
    priority: Priority,
    status: TaskStatus,
    processAfter: Ms,
    createdAt: Ms,
    updatedAt: Ms,
    attempts: Schema.Number,
    maxAttempts: Schema.Number,
    backoff: BackoffPolicy,
    timeoutMs: Schema.NullOr(Schema.Number),
    dependsOn: MutableArray(Schema.String),
    /** Dependencies not settled yet (not completed; or, under `onDependencyFailure: 'run'`, not ended). */
    blockedBy: Schema.Number.annotations({ description: 'dependencies not settled yet (not completed, or not ended for onDependencyFailure run)' }),
    onDependencyFailure: OnDependencyFailure,
    /** Why the queue cancelled it ("dependency … failed"); null when it was not cancelled by the queue. */
    cancelReason: Schema.NullOr(Schema.String).annotations({
      description: 'why the queue cancelled it (a dependency failed or was cancelled); null otherwise',
    }),
    idempotencyKey: Schema.NullOr(Schema.String),
    tags: MutableArray(Schema.String),
    metadata: JsonObject,
    result: Schema.Unknown,
    lastError: Schema.NullOr(ErrorInfo),
    currentExecutionId: Schema.NullOr(Schema.String),
    runnerId: Schema.NullOr(Schema.String),
    leaseUntil: NullableMs,
    cancelRequested: Schema.Boolean,
    finishedAt: NullableMs,
    escalatedFrom: Schema.NullOr(Schema.String),
    escalatedTo: Schema.NullOr(Schema.String),
    /** Who enqueued it over HTTP (the token's name), else null. */
    createdBy: Schema.NullOr(Schema.String).annotations({ description: 'the token name that enqueued it over HTTP' }),
    /**
     * The W3C trace context of the span that enqueued it (`00-<trace id>-<span id>-<flags>`): each
     * execution's span is its child (README, "Tracing"). Null when nothing traced the enqueue.
     */
    traceparent: Schema.NullOr(Schema.String).annotations({
      description:
        "the W3C trace context of the span that enqueued it (the caller's traceparent header, or the host's enqueue span); each execution's span is its child",
    }),
    tracestate: Schema.NullOr(Schema.String).annotations({ description: 'the W3C tracestate that goes with traceparent' }),
    /** Set by `enqueue` when an existing task with the same idempotency key was returned. */
    deduplicated: Schema.optional(Schema.Boolean),
    /** Set by `get`: every execution, oldest first. */
    executions: Schema.optional(MutableArray(Execution)),
    /** Set by `get`: the last checkpoint a handler saved (`ctx.saveCheckpoint`), or null. */
    checkpoint: Schema.optional(Schema.NullOr(Checkpoint)),
  }),
).annotations({ identifier: 'Task' })
export type Task = typeof Task.Type

/** `checkpoint`: the task's last saved checkpoint, when it has one (the attempt resumes from it). */
export const Claim = Schema.mutable(
  Schema.Struct({
    task: Task,
    executionId: Schema.String,
    attempt: Schema.Number,
    leaseUntil: Ms,
    checkpoint: Schema.optional(Checkpoint),
  }),
).annotations({ identifier: 'Claim' })
export type Claim = typeof Claim.Type

/** The answer to a worker's report: whether its execution still holds the task. */
export const ReportResult = Schema.mutable(
  Schema.Struct({
    accepted: Schema.Boolean.annotations({ description: 'false when the execution no longer holds its task (its lease expired)' }),
    cancelRequested: Schema.Boolean,
    leaseUntil: NullableMs,
  }),
).annotations({ identifier: 'ReportResult' })
export type ReportResult = typeof ReportResult.Type

/** What `fail` did: `retryAt` is when the task runs again, or null when it ended (dead letter or cancel). */
export const FailResult = Schema.mutable(Schema.extend(ReportResult, Schema.Struct({ retryAt: NullableMs }))).annotations({ identifier: 'FailResult' })
export type FailResult = typeof FailResult.Type
