import { type SqlValue, type SqlWrite, write } from './sql.js'

/**
 * What a dependency that ends without completing does to the tasks that depend on it (issue 15).
 *
 * `roots` is an SQL SELECT of `(id, outcome)`: the tasks this event ends `failed` (for good) or
 * `cancelled`, evaluated on the state *before* the event's own updates (these writes must come
 * before the statement that changes the roots' status; they read `status = 'processing'` etc.).
 *
 * - Dependents that are `pending` and enqueued with `onDependencyFailure: 'cancel'` (the default)
 *   end `cancelled`, transitively (their own such dependents too), with `cancelReason` naming the
 *   dependency, and a `cancelled` activity entry each.
 * - Dependents enqueued with `onDependencyFailure: 'run'` have the dependency settled: their
 *   `blockedBy` drops by one per ended dependency (once: `taskDependencies.settled`), so they run
 *   when the rest are settled; a `dependency-ended` activity entry says which one did not complete.
 *
 * Pure SQL over the state and the event's payload: a replay ends in the same state
 * (docs/design.md, fact 4). `dependsOn` has no cycles (refused at enqueue), and `UNION` stops the
 * recursion at tasks already reached.
 */
const cascade = (roots: string) => `WITH RECURSIVE roots(id, outcome) AS (${roots}),
  reached(id, via, root) AS (
    SELECT d.taskId, d.dependsOnId, d.dependsOnId FROM roots r JOIN taskDependencies d ON d.dependsOnId = r.id
      JOIN workerTasks w ON w.id = d.taskId WHERE w.status = 'pending' AND w.onDependencyFailure = 'cancel'
    UNION
    SELECT d.taskId, d.dependsOnId, x.root FROM reached x JOIN taskDependencies d ON d.dependsOnId = x.id
      JOIN workerTasks w ON w.id = d.taskId WHERE w.status = 'pending' AND w.onDependencyFailure = 'cancel'),
  doomed AS (
    SELECT x.id, 'dependency ' || CASE WHEN x.via = x.root THEN '' ELSE x.via || ' (' || v.type || ') was cancelled because ' END
      || x.root || ' (' || rt.type || ') ' || CASE r.outcome WHEN 'failed' THEN 'failed' ELSE 'was cancelled' END AS reason
    FROM (SELECT id, min(via) AS via, root FROM reached GROUP BY id) x
    JOIN workerTasks v ON v.id = x.via JOIN workerTasks rt ON rt.id = x.root JOIN roots r ON r.id = x.root),
  ended(id, outcome) AS (SELECT id, outcome FROM roots UNION SELECT id, 'cancelled' FROM doomed),
  released AS (
    SELECT d.taskId, d.dependsOnId, e.outcome FROM ended e JOIN taskDependencies d ON d.dependsOnId = e.id
      JOIN workerTasks w ON w.id = d.taskId WHERE d.settled = 0 AND w.onDependencyFailure = 'run')`

export const dependencyOutcomeWrites = (roots: string, binds: Record<string, SqlValue>, at: number): SqlWrite[] => {
  const b = { ...binds, at }
  const sql = cascade(roots)
  return [
    write(
      `${sql}
       INSERT INTO activity (at, taskId, executionId, kind, type, queue, summary)
       SELECT $at, w.id, NULL, 'cancelled', w.type, w.queue, 'cancelled: ' || x.reason
       FROM doomed x JOIN workerTasks w ON w.id = x.id ORDER BY w.createdAt, w.id`,
      b,
      'activity',
    ),
    write(
      `${sql}
       INSERT INTO activity (at, taskId, executionId, kind, type, queue, summary)
       SELECT $at, w.id, NULL, 'dependency-ended', w.type, w.queue,
         'dependency ' || x.dependsOnId || ' ' || CASE x.outcome WHEN 'failed' THEN 'failed' ELSE 'was cancelled' END
           || '; runs anyway (onDependencyFailure: run)'
       FROM released x JOIN workerTasks w ON w.id = x.taskId ORDER BY w.createdAt, w.id, x.dependsOnId`,
      b,
      'activity',
    ),
    write(
      `${sql}
       UPDATE workerTasks SET blockedBy = blockedBy - u.n, updatedAt = $at
       FROM (SELECT taskId, count(*) AS n FROM released GROUP BY taskId) u WHERE workerTasks.id = u.taskId`,
      b,
      'workerTasks',
    ),
    write(
      `${sql}
       UPDATE taskDependencies SET settled = 1
       FROM released x WHERE taskDependencies.taskId = x.taskId AND taskDependencies.dependsOnId = x.dependsOnId`,
      b,
      'taskDependencies',
    ),
    // Last: the statements above find the doomed tasks by their `pending` status.
    write(
      `${sql}
       UPDATE workerTasks SET status = 'cancelled', cancelReason = x.reason, finishedAt = $at, updatedAt = $at
       FROM doomed x WHERE workerTasks.id = x.id`,
      b,
      'workerTasks',
    ),
  ]
}

/** The roots of an execution that ends without success (`TaskFailed`, `TaskLeaseExpired`): only when it ends the task. */
export const FAILED_EXECUTION_ROOTS = `SELECT t.id, CASE WHEN t.cancelRequested = 1 THEN 'cancelled' ELSE 'failed' END FROM workerTasks t
  WHERE t.id = $taskId AND t.status = 'processing' AND t.currentExecutionId = $executionId AND (t.cancelRequested = 1 OR $retryAt IS NULL)`

/** The roots of `TaskCancelled`: a pending or running task. A dead letter discarded (failed → cancelled) already cascaded when it failed. */
export const CANCELLED_ROOTS = `SELECT t.id, 'cancelled' FROM workerTasks t WHERE t.id = $taskId
  AND ((t.status = 'pending' AND $executionId IS NULL) OR (t.status = 'processing' AND t.currentExecutionId = $executionId))`

/** The roots of `TaskCompleted`/`TasksCompleted`: a completion after a cancel request ends the task `cancelled`. */
export const CANCELLED_COMPLETION_ROOTS = `SELECT t.id, 'cancelled' FROM json_each($completions) c
  JOIN workerTasks t ON t.id = c.value ->> '$.taskId'
  WHERE t.status = 'processing' AND t.currentExecutionId = c.value ->> '$.executionId' AND t.cancelRequested = 1`
