import type { QueuedTask } from '../../events/task.js'
import { hasRateLimitRow } from '../eligible.js'
import { type SqlWrite, write } from './sql.js'

/**
 * The SQL for `TaskQueued` and `TasksQueued`: one statement per table for any number of tasks,
 * reading the tasks from a JSON array with `json_each` (row order = array order, so activity
 * `seq` follows it). A task whose id or idempotency key already exists is skipped entirely.
 * `blockedBy` counts the dependencies not settled yet (missing ones count as not settled): a
 * completed dependency is settled, and so is one that failed or was cancelled for a task that
 * runs anyway (`onDependencyFailure: 'run'`; the command refuses a `cancel` task whose dependency
 * already ended so, src/queue/dependencies.ts).
 * The unary `+` on `p.status` makes SQLite look the dependencies up by id: with the status index
 * it walked every completed task for every inserted one, and `enqueueMany(1000)` took 4 s more
 * per 1,000 finished tasks in the store (0.25 s flat with this plan).
 */
const TASKS = `(SELECT key AS k,
    value ->> '$.id' AS id, value ->> '$.type' AS type, value ->> '$.queue' AS queue,
    value -> '$.payload' AS payload, value ->> '$.priority' AS priority,
    value ->> '$.processAfter' AS processAfter, value ->> '$.createdAt' AS createdAt,
    value ->> '$.maxAttempts' AS maxAttempts, value -> '$.backoff' AS backoff,
    value ->> '$.timeoutMs' AS timeoutMs, value -> '$.dependsOn' AS dependsOn,
    value ->> '$.idempotencyKey' AS idempotencyKey, value -> '$.tags' AS tags,
    value -> '$.metadata' AS metadata, value ->> '$.escalatedFrom' AS escalatedFrom, value ->> '$.createdBy' AS createdBy,
    COALESCE(value ->> '$.onDependencyFailure', 'cancel') AS onDependencyFailure,
    value ->> '$.traceparent' AS traceparent, value ->> '$.tracestate' AS tracestate
  FROM json_each($tasks))`

/** Whether dependency `p` no longer holds back new task `n` (see `taskDependencies.settled`). */
const SETTLED = `(+p.status = 'completed' OR (n.onDependencyFailure = 'run' AND +p.status IN ('failed', 'cancelled')))`

const IS_NEW = `NOT EXISTS (SELECT 1 FROM workerTasks x WHERE x.id = n.id OR x.idempotencyKey = n.idempotencyKey)`

export const queuedWrites = (tasks: ReadonlyArray<QueuedTask>): SqlWrite[] => {
  const binds = { tasks: JSON.stringify(tasks) }
  const anyDependencies = tasks.some((t) => t.dependsOn.length > 0)
  return [
    write(
      `INSERT INTO activity (at, taskId, executionId, kind, type, queue, summary)
       SELECT n.createdAt, n.id, NULL, 'queued', n.type, n.queue,
         'queued ' || n.type || ' (priority ' || n.priority || ')'
           || CASE WHEN json_array_length(n.dependsOn) > 0 THEN ', after ' || json_array_length(n.dependsOn) || ' dependencies' ELSE '' END
           || CASE WHEN n.escalatedFrom IS NOT NULL THEN ', escalated from ' || n.escalatedFrom ELSE '' END
       FROM ${TASKS} n WHERE ${IS_NEW} ORDER BY n.k`,
      binds,
      'activity',
    ),
    // Branching on the event payload (not on state) keeps the materializer pure.
    ...(anyDependencies
      ? [
          write(
            `INSERT OR IGNORE INTO taskDependencies (taskId, dependsOnId, settled)
             SELECT n.id, d.value, EXISTS (SELECT 1 FROM workerTasks p WHERE p.id = d.value AND ${SETTLED})
             FROM ${TASKS} n, json_each(n.dependsOn) d WHERE ${IS_NEW}`,
            binds,
            'taskDependencies',
          ),
        ]
      : []),
    write(
      `INSERT OR IGNORE INTO workerTasks (id, type, queue, payload, priority, claimRank, status, processAfter,
         createdAt, updatedAt, attempts, maxAttempts, backoff, timeoutMs, dependsOn, blockedBy, idempotencyKey,
         tags, metadata, cancelRequested, escalatedFrom, createdBy, onDependencyFailure, limited,
         traceparent, tracestate)
       SELECT n.id, n.type, n.queue, n.payload, n.priority, 100 - n.priority, 'pending', n.processAfter,
         n.createdAt, n.createdAt, 0, n.maxAttempts, n.backoff, n.timeoutMs, n.dependsOn,
         json_array_length(n.dependsOn) - (SELECT count(*) FROM workerTasks p WHERE p.id IN (SELECT value FROM json_each(n.dependsOn)) AND ${SETTLED}),
         n.idempotencyKey, n.tags, n.metadata, 0, n.escalatedFrom, n.createdBy, n.onDependencyFailure,
         ${hasRateLimitRow('n')}, n.traceparent, n.tracestate
       FROM ${TASKS} n ORDER BY n.k`,
      binds,
      'workerTasks',
    ),
  ]
}
