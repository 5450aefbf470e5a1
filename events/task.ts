import { Events } from '@livestore/livestore'
import { Schema } from 'effect'
import { BackoffPolicy, EpochMs, ErrorInfo } from './shapes.js'

/** Everything a task is created with: ids, times and the resolved retry policy travel in the payload. */
export const QueuedTask = Schema.Struct({
  id: Schema.String,
  type: Schema.String,
  queue: Schema.String,
  payload: Schema.Unknown,
  priority: Schema.Int,
  processAfter: EpochMs,
  createdAt: EpochMs,
  maxAttempts: Schema.Int,
  backoff: BackoffPolicy,
  timeoutMs: Schema.NullOr(Schema.Number),
  dependsOn: Schema.Array(Schema.String),
  idempotencyKey: Schema.NullOr(Schema.String),
  tags: Schema.Array(Schema.String),
  metadata: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  escalatedFrom: Schema.NullOr(Schema.String),
  /** Who enqueued it (an HTTP token's name), for producers who may cancel or retry only their own. */
  createdBy: Schema.NullOr(Schema.String),
  /**
   * `run`: the task runs even if a dependency fails for good or is cancelled (its handler sees
   * which one in `ctx.dependencies`). Absent means `cancel`: it is cancelled with the reason.
   */
  onDependencyFailure: Schema.optional(Schema.Literal('cancel', 'run')),
  /**
   * The W3C trace context of the enqueue span (src/tracing/): each execution's span is its child.
   * Absent when nothing traced the enqueue (no OpenTelemetry SDK and no caller's context).
   */
  traceparent: Schema.optional(Schema.String),
  tracestate: Schema.optional(Schema.String),
})
export type QueuedTask = typeof QueuedTask.Type

/** A task enters the queue. Idempotent: a second event with the same id or idempotency key is ignored. */
export const taskQueued = Events.synced({ name: 'v1.TaskQueued', schema: QueuedTask })

/**
 * Several tasks enter the queue in one event: what a group commit or `enqueueMany` writes.
 * Each LiveStore event costs milliseconds of CPU whatever it carries (docs/design.md, fact 5), so 1,000
 * tasks in one event cost a fraction of 1,000 events. Same effect as one `TaskQueued` per task.
 */
export const tasksQueued = Events.synced({
  name: 'v1.TasksQueued',
  schema: Schema.Struct({ tasks: Schema.Array(QueuedTask) }),
})

/** A claim: who took which task, as which attempt, until when. */
export const ClaimedTask = Schema.Struct({
  taskId: Schema.String,
  executionId: Schema.String,
  runnerId: Schema.String,
  attempt: Schema.Int,
  at: EpochMs,
  leaseUntil: EpochMs,
})
export type ClaimedTask = typeof ClaimedTask.Type

/** The "start" event: pending → processing, only if still pending (the guard is in SQL). */
export const taskClaimed = Events.synced({ name: 'v1.TaskClaimed', schema: ClaimedTask })

/** Several claims in one event (a batch claim, or claims in one group commit). Same effect as one `TaskClaimed` each. */
export const tasksClaimed = Events.synced({
  name: 'v1.TasksClaimed',
  schema: Schema.Struct({ claims: Schema.Array(ClaimedTask) }),
})

/**
 * "Claim the next eligible tasks": the materializer picks them, in the ordering contract's order,
 * from the state as it is when the event is applied (so after every event before it in the same
 * commit: completions that unblock dependents, a queue resumed). Up to `executionIds.length`
 * tasks; the i-th one picked gets `executionIds[i]`. The choice is a pure function of the state
 * and the payload, so replaying the log picks the same tasks. One event for any number of claims,
 * and it can share a commit with the completions that freed the slots (src/queue/claim.ts).
 */
export const nextTasksClaimed = Events.synced({
  name: 'v1.NextTasksClaimed',
  schema: Schema.Struct({
    runnerId: Schema.String,
    at: EpochMs,
    leaseUntil: EpochMs,
    executionIds: Schema.Array(Schema.String),
    /** Only these types / queues (null: any). */
    types: Schema.NullOr(Schema.Array(Schema.String)),
    queues: Schema.NullOr(Schema.Array(Schema.String)),
    /**
     * Whether the store had rate limits or pauses when the claim was made: the materializer then
     * applies them (schema/eligible.ts). Absent or false: it takes only tasks no limit touches.
     */
    limits: Schema.optional(Schema.Boolean),
  }),
})
export type NextTasksClaimed = typeof nextTasksClaimed.schema.Type

/** The worker is alive: extends the lease of the current execution. */
export const taskHeartbeat = Events.synced({
  name: 'v1.TaskHeartbeat',
  schema: Schema.Struct({ taskId: Schema.String, executionId: Schema.String, at: EpochMs, leaseUntil: EpochMs }),
})

/** Progress of the current execution (a fraction 0..1 and a message); also extends the lease. */
export const taskProgress = Events.synced({
  name: 'v1.TaskProgress',
  schema: Schema.Struct({
    taskId: Schema.String,
    executionId: Schema.String,
    at: EpochMs,
    leaseUntil: EpochMs,
    progress: Schema.Number,
    message: Schema.NullOr(Schema.String),
  }),
})

export const CompletedTask = Schema.Struct({ taskId: Schema.String, executionId: Schema.String, at: EpochMs, result: Schema.Unknown })
export type CompletedTask = typeof CompletedTask.Type

/** processing → completed, only for the current executionId (the fencing token). */
export const taskCompleted = Events.synced({ name: 'v1.TaskCompleted', schema: CompletedTask })

/** Several completions in one event (completions in one group commit). Same effect as one `TaskCompleted` each. */
export const tasksCompleted = Events.synced({
  name: 'v1.TasksCompleted',
  schema: Schema.Struct({ completions: Schema.Array(CompletedTask) }),
})

/**
 * An execution ended without success. `retryAt` set: the task goes back to pending then;
 * null: the task is failed for good (the dead-letter view). `outcome` says how the execution
 * ended; `interrupted` (shutdown) gives the attempt back.
 */
export const taskFailed = Events.synced({
  name: 'v1.TaskFailed',
  schema: Schema.Struct({
    taskId: Schema.String,
    executionId: Schema.String,
    at: EpochMs,
    error: ErrorInfo,
    outcome: Schema.Literal('failed', 'timedOut', 'interrupted'),
    retryAt: Schema.NullOr(EpochMs),
  }),
})

/** A stalled execution's lease passed: it ends `expired`; the task is retried or failed like a failure. */
export const taskLeaseExpired = Events.synced({
  name: 'v1.TaskLeaseExpired',
  schema: Schema.Struct({
    taskId: Schema.String,
    executionId: Schema.String,
    at: EpochMs,
    retryAt: Schema.NullOr(EpochMs),
  }),
})

/** Cancel asked for a processing task: the handler's signal is aborted; `TaskCancelled` follows. */
export const taskCancelRequested = Events.synced({
  name: 'v1.TaskCancelRequested',
  schema: Schema.Struct({ taskId: Schema.String, at: EpochMs }),
})

/** pending → cancelled at once, or processing → cancelled when the handler has stopped. */
export const taskCancelled = Events.synced({
  name: 'v1.TaskCancelled',
  schema: Schema.Struct({ taskId: Schema.String, executionId: Schema.NullOr(Schema.String), at: EpochMs }),
})

/** The task was re-routed: `toTaskId` is a new task of `toType` carrying the payload and the error. */
export const taskEscalated = Events.synced({
  name: 'v1.TaskEscalated',
  schema: Schema.Struct({
    taskId: Schema.String,
    toTaskId: Schema.String,
    toType: Schema.String,
    reason: Schema.Literal('failure', 'timeout'),
    at: EpochMs,
  }),
})

/** A failed or cancelled task back to pending with a fresh set of attempts (manual retry). */
export const taskRetried = Events.synced({
  name: 'v1.TaskRetried',
  schema: Schema.Struct({ taskId: Schema.String, at: EpochMs }),
})

/** Finished tasks (completed, failed, cancelled) that finished before `olderThan` are deleted. */
export const tasksPruned = Events.synced({
  name: 'v1.TasksPruned',
  schema: Schema.Struct({ olderThan: EpochMs, at: EpochMs }),
})
