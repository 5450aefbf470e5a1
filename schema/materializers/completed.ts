import type { CompletedTask } from '../../events/task.js'
import { CANCELLED_COMPLETION_ROOTS, dependencyOutcomeWrites } from './dependencyOutcome.js'
import { type SqlWrite, write } from './sql.js'

/**
 * The SQL for `TaskCompleted` and `TasksCompleted`. Per completion: only the execution that still
 * holds its task (processing, same executionId: the fencing token) counts; a late one is kept in
 * the activity stream as `completion-ignored`. A cancel requested while the handler ran wins: the
 * task ends `cancelled` (the result stays on the execution) and its dependents are cancelled or
 * released like after any cancel (./dependencyOutcome.ts).
 * The group commit never puts two completions of one task in one event (src/store/coalesce.ts),
 * so evaluating every guard against the state before the event equals applying them in order.
 */
const DONE = `done AS (SELECT d.key AS k, d.value ->> '$.taskId' AS taskId, d.value ->> '$.executionId' AS executionId,
    d.value ->> '$.at' AS at, d.value -> '$.result' AS result,
    EXISTS (SELECT 1 FROM workerTasks c WHERE c.id = d.value ->> '$.taskId' AND c.status = 'processing'
            AND c.currentExecutionId = d.value ->> '$.executionId') AS current
  FROM json_each($completions) d)`

export const completedWrites = (completions: ReadonlyArray<CompletedTask>): SqlWrite[] => {
  const binds = { completions: JSON.stringify(completions) }
  return [
    write(
      `WITH ${DONE}
       INSERT INTO activity (at, taskId, executionId, kind, type, queue, summary)
       SELECT d.at, t.id, d.executionId,
         CASE WHEN NOT d.current THEN 'completion-ignored' WHEN t.cancelRequested = 1 THEN 'cancelled' ELSE 'completed' END,
         t.type, t.queue,
         CASE WHEN NOT d.current THEN 'late completion from execution ' || d.executionId || ' ignored: it no longer holds the task'
              WHEN t.cancelRequested = 1 THEN 'cancelled: the handler finished after the cancel request'
              ELSE 'completed on attempt ' || t.attempts END
       FROM done d JOIN workerTasks t ON t.id = d.taskId ORDER BY d.k`,
      binds,
      'activity',
    ),
    write(
      `WITH ${DONE}
       UPDATE taskExecutions SET status = CASE WHEN t.cancelRequested = 1 THEN 'cancelled' ELSE 'completed' END,
         finishedAt = d.at, result = d.result, durationMs = d.at - taskExecutions.startedAt
       FROM done d JOIN workerTasks t ON t.id = d.taskId
       WHERE taskExecutions.id = d.executionId AND taskExecutions.status = 'running' AND d.current`,
      binds,
      'taskExecutions',
    ),
    write(
      `WITH ${DONE}, unblocking AS (
         SELECT dep.taskId AS taskId, count(*) AS n FROM done d
         JOIN workerTasks t ON t.id = d.taskId AND d.current AND t.cancelRequested = 0
         JOIN taskDependencies dep ON dep.dependsOnId = d.taskId AND dep.settled = 0 GROUP BY dep.taskId)
       UPDATE workerTasks SET blockedBy = blockedBy - u.n FROM unblocking u WHERE workerTasks.id = u.taskId`,
      binds,
      'workerTasks',
    ),
    write(
      `WITH ${DONE}
       UPDATE taskDependencies SET settled = 1 FROM done d JOIN workerTasks t ON t.id = d.taskId AND d.current AND t.cancelRequested = 0
       WHERE taskDependencies.dependsOnId = d.taskId AND taskDependencies.settled = 0`,
      binds,
      'taskDependencies',
    ),
    ...dependencyOutcomeWrites(
      CANCELLED_COMPLETION_ROOTS,
      binds,
      completions.reduce((latest, c) => Math.max(latest, c.at), 0),
    ),
    write(
      `WITH ${DONE}
       UPDATE workerTasks SET status = CASE WHEN cancelRequested = 1 THEN 'cancelled' ELSE 'completed' END,
         result = CASE WHEN cancelRequested = 1 THEN NULL ELSE d.result END,
         finishedAt = d.at, updatedAt = d.at, leaseUntil = NULL, currentExecutionId = NULL, runnerId = NULL, cancelRequested = 0
       FROM done d WHERE workerTasks.id = d.taskId AND d.current`,
      binds,
      'workerTasks',
    ),
  ]
}
