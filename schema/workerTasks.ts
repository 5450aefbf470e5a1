import { State } from '@livestore/livestore'
import { OnDependencyFailure, Priority, TaskStatus } from '../src/shapes/statuses.js'

export { TaskStatus }

/**
 * One row per task. JSON columns hold text; times are ms since the epoch.
 * `claimRank` is `100 - priority`: LiveStore indexes cannot say DESC, so storing the rank lets
 * one ascending index (status, claimRank, createdAt, id) serve the ordering contract directly.
 * `blockedBy` counts dependencies not yet settled (`taskDependencies.settled = 0`): a completion
 * settles its dependents' rows, and so does a failure or cancel for dependents that `run` anyway
 * (schema/materializers/dependencyOutcome.ts).
 */
export const workerTasks = State.SQLite.table({
  name: 'workerTasks',
  columns: {
    id: State.SQLite.text({ primaryKey: true }),
    type: State.SQLite.text(),
    queue: State.SQLite.text({ default: 'default' }),
    payload: State.SQLite.text({ default: 'null' }),
    priority: State.SQLite.integer({ schema: Priority, default: 5 }),
    claimRank: State.SQLite.integer({ default: 95 }),
    status: State.SQLite.text({ schema: TaskStatus, default: 'pending' }),
    processAfter: State.SQLite.integer(),
    createdAt: State.SQLite.integer(),
    updatedAt: State.SQLite.integer(),
    attempts: State.SQLite.integer({ default: 0 }),
    maxAttempts: State.SQLite.integer({ default: 3 }),
    backoff: State.SQLite.text(),
    timeoutMs: State.SQLite.integer({ nullable: true }),
    dependsOn: State.SQLite.text({ default: '[]' }),
    blockedBy: State.SQLite.integer({ default: 0 }),
    idempotencyKey: State.SQLite.text({ nullable: true }),
    tags: State.SQLite.text({ default: '[]' }),
    metadata: State.SQLite.text({ default: '{}' }),
    result: State.SQLite.text({ nullable: true }),
    lastError: State.SQLite.text({ nullable: true }),
    currentExecutionId: State.SQLite.text({ nullable: true }),
    runnerId: State.SQLite.text({ nullable: true }),
    leaseUntil: State.SQLite.integer({ nullable: true }),
    cancelRequested: State.SQLite.integer({ default: 0 }),
    finishedAt: State.SQLite.integer({ nullable: true }),
    escalatedFrom: State.SQLite.text({ nullable: true }),
    escalatedTo: State.SQLite.text({ nullable: true }),
    createdBy: State.SQLite.text({ nullable: true }),
    /** What a dependency that fails for good or is cancelled does to this task: `cancel` it (transitively) or let it `run`. */
    onDependencyFailure: State.SQLite.text({ schema: OnDependencyFailure, default: 'cancel' }),
    /** Why the queue cancelled it (a dependency failed or was cancelled); null for a cancel by hand. */
    cancelReason: State.SQLite.text({ nullable: true }),
    /**
     * 1 while its type or its queue has a `rateLimits` row (a limit, or a pause): such tasks are
     * claimed through the rate-limited arm of the claim query, and the claim index keeps them
     * apart so the walk over the others never steps over a rate-limited backlog (schema/eligible.ts).
     */
    limited: State.SQLite.integer({ default: 0 }),
    /** The W3C trace context of the span that enqueued it (`00-<trace id>-<span id>-<flags>`); null when nothing traced it. */
    traceparent: State.SQLite.text({ nullable: true }),
    tracestate: State.SQLite.text({ nullable: true }),
  },
  indexes: [
    // The next-task query: pending tasks not rate limited, in claim order.
    { name: 'workerTasks_claim', columns: ['status', 'limited', 'claimRank', 'createdAt', 'id'] },
    // The timer for the earliest future processAfter, and the lease reaper.
    { name: 'workerTasks_processAfter', columns: ['status', 'processAfter'] },
    { name: 'workerTasks_lease', columns: ['status', 'leaseUntil'] },
    { name: 'workerTasks_execution', columns: ['currentExecutionId'] },
    { name: 'workerTasks_idempotencyKey', columns: ['idempotencyKey'], isUnique: true },
    // Listings and pruning.
    { name: 'workerTasks_list', columns: ['queue', 'status', 'createdAt'] },
    // Per type (stats), and a rate-limited type's or queue's next tasks in claim order (schema/eligible.ts).
    { name: 'workerTasks_typeClaim', columns: ['type', 'status', 'claimRank', 'createdAt', 'id'] },
    { name: 'workerTasks_queueClaim', columns: ['queue', 'status', 'claimRank', 'createdAt', 'id'] },
    { name: 'workerTasks_finished', columns: ['status', 'finishedAt'] },
    // list({ status }) newest first: the dashboard's dead letters and running tasks read one page.
    { name: 'workerTasks_status', columns: ['status', 'createdAt', 'id'] },
  ],
})
export type WorkerTaskRow = typeof workerTasks.Type
