import type { ClaimedTask } from '../../events/task.js'
import { type SqlWrite, write } from './sql.js'

/**
 * The SQL for `TaskClaimed` and `TasksClaimed`: one statement per table for any number of
 * claims, read from a JSON array. Only a task still `pending` is taken (the guard is in SQL), so
 * replaying a claim, or claiming a task twice, changes nothing the second time. The group commit
 * never puts two claims of one task in one event (src/store/coalesce.ts).
 * The unary `+` on status keeps SQLite from walking every pending task (index on status) and
 * probing the claims for each: that plan made draining 10,000 tasks quadratic (minutes); this
 * one looks up each claimed task by id.
 */
const CLAIMS = `claims AS (SELECT key AS k,
    value ->> '$.taskId' AS taskId, value ->> '$.executionId' AS executionId, value ->> '$.runnerId' AS runnerId,
    value ->> '$.attempt' AS attempt, value ->> '$.at' AS at, value ->> '$.leaseUntil' AS leaseUntil
  FROM json_each($claims))`

export const claimedWrites = (claims: ReadonlyArray<ClaimedTask>): SqlWrite[] => {
  const binds = { claims: JSON.stringify(claims) }
  return [
    write(
      `WITH ${CLAIMS}
       INSERT INTO activity (at, taskId, executionId, kind, type, queue, summary)
       SELECT c.at, t.id, c.executionId, 'started', t.type, t.queue, 'attempt ' || c.attempt || ' on ' || c.runnerId
       FROM claims c JOIN workerTasks t ON t.id = c.taskId WHERE t.status = 'pending' ORDER BY c.k`,
      binds,
      'activity',
    ),
    write(
      `WITH ${CLAIMS}
       INSERT OR IGNORE INTO taskExecutions (id, taskId, attempt, runnerId, status, startedAt)
       SELECT c.executionId, c.taskId, c.attempt, c.runnerId, 'running', c.at
       FROM claims c JOIN workerTasks t ON t.id = c.taskId WHERE t.status = 'pending' ORDER BY c.k`,
      binds,
      'taskExecutions',
    ),
    write(
      `WITH ${CLAIMS}
       UPDATE workerTasks SET status = 'processing', currentExecutionId = c.executionId, runnerId = c.runnerId,
         attempts = c.attempt, leaseUntil = c.leaseUntil, updatedAt = c.at, cancelRequested = 0
       FROM claims c WHERE workerTasks.id = c.taskId AND +workerTasks.status = 'pending'`,
      binds,
      'workerTasks',
    ),
  ]
}
