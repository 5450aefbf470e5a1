import type { NextTasksClaimed } from '../../events/task.js'
import { ELIGIBLE_SQL } from '../eligible.js'
import { type SqlWrite, write } from './sql.js'

/**
 * The SQL for `NextTasksClaimed`: the event names no task; it claims the first
 * `executionIds.length` eligible ones (src/queue/claim.ts explains why). The picking happens once,
 * in the first statement, which writes one `taskExecutions` row per task picked (the i-th in
 * claim order gets `executionIds[i]`); the next two statements find those tasks through the
 * executions by primary key, so the eligibility query is not run three times.
 * `row_number()` runs over the LIMITed rows only (the inner query), not over every pending task.
 */
export const nextClaimedWrites = (e: NextTasksClaimed): SqlWrite[] => {
  const ids = JSON.stringify(e.executionIds)
  const claimed = `SELECT x.id, x.taskId, x.attempt, x.runnerId, e.key AS k
    FROM json_each($executionIds) e JOIN taskExecutions x ON x.id = e.value`
  return [
    write(
      `INSERT OR IGNORE INTO taskExecutions (id, taskId, attempt, runnerId, status, startedAt)
       SELECT json_extract($executionIds, '$[' || (p.rn - 1) || ']'), p.id, p.attempts + 1, $runnerId, 'running', $now
       FROM (SELECT e.id, e.attempts, row_number() OVER (ORDER BY e.claimRank, e.createdAt, e.id) AS rn
             FROM (${ELIGIBLE_SQL}) e) p
       ORDER BY p.rn`,
      {
        executionIds: ids,
        runnerId: e.runnerId,
        now: e.at,
        limit: e.executionIds.length,
        types: e.types === null ? null : JSON.stringify(e.types),
        queues: e.queues === null ? null : JSON.stringify(e.queues),
      },
      'taskExecutions',
    ),
    write(
      `INSERT INTO activity (at, taskId, executionId, kind, type, queue, summary)
       SELECT $at, t.id, c.id, 'started', t.type, t.queue, 'attempt ' || c.attempt || ' on ' || c.runnerId
       FROM (${claimed}) c JOIN workerTasks t ON t.id = c.taskId WHERE t.status = 'pending' ORDER BY c.k`,
      { executionIds: ids, at: e.at },
      'activity',
    ),
    write(
      `UPDATE workerTasks SET status = 'processing', currentExecutionId = c.id, runnerId = c.runnerId,
         attempts = c.attempt, leaseUntil = $leaseUntil, updatedAt = $at, cancelRequested = 0
       FROM (${claimed}) c WHERE workerTasks.id = c.taskId AND +workerTasks.status = 'pending'`,
      { executionIds: ids, at: e.at, leaseUntil: e.leaseUntil },
      'workerTasks',
    ),
  ]
}
