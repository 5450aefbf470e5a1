import type { NextTasksClaimed } from '../../events/task.js'
import { eligibleSql } from '../eligible.js'
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
             FROM (${eligibleSql(e.limits === true)}) e) p
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
    // The sliding window of every rate limit (with a `max`) the claimed tasks' type or queue has:
    // a claim leaves after `perMs` (the prune), so a key never holds more than `max` rows. A claim
    // made with no limit in the store takes only tasks no limit touches (`limited = 0`), so it
    // has no window to write, and the prune waits for the next claim that has (its count only
    // reads the last `perMs` anyway): the usual claim pays neither statement.
    ...(e.limits === true
      ? [
          write(
            `DELETE FROM rateLimitClaims WHERE at <= $at - COALESCE((SELECT r.perMs FROM rateLimits r
             WHERE r.scope = rateLimitClaims.scope AND r.name = rateLimitClaims.name AND r.max IS NOT NULL), 0)`,
            { at: e.at },
            'rateLimitClaims',
          ),
          write(
            `INSERT OR IGNORE INTO rateLimitClaims (executionId, scope, name, at)
           SELECT c.id, r.scope, r.name, $at FROM (${claimed}) c JOIN workerTasks t ON t.id = c.taskId
             JOIN rateLimits r ON (r.scope = 'type' AND r.name = t.type) OR (r.scope = 'queue' AND r.name = t.queue)
           WHERE t.status = 'pending' AND r.max IS NOT NULL`,
            { executionIds: ids, at: e.at },
            'rateLimitClaims',
          ),
        ]
      : []),
    write(
      `UPDATE workerTasks SET status = 'processing', currentExecutionId = c.id, runnerId = c.runnerId,
         attempts = c.attempt, leaseUntil = $leaseUntil, updatedAt = $at, cancelRequested = 0
       FROM (${claimed}) c WHERE workerTasks.id = c.taskId AND +workerTasks.status = 'pending'`,
      { executionIds: ids, at: e.at, leaseUntil: e.leaseUntil },
      'workerTasks',
    ),
  ]
}
