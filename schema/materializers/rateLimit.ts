import { State } from '@livestore/livestore'
import type { events } from '../../events/index.js'
import { dependencyOutcomeWrites, FAILED_EXECUTION_ROOTS } from './dependencyOutcome.js'
import { hasRateLimitRow } from '../eligible.js'
import { activityRow, write } from './sql.js'
import { IS_CURRENT } from './task.js'

type RateLimitEvents = Pick<typeof events, 'rateLimitSet' | 'rateLimitCleared' | 'taskRateLimited'>

/** An activity entry about a limit (no single task): `type` or `queue` names what it limits. */
const limitActivity = (scope: 'type' | 'queue', name: string, at: number, kind: string, summary: string) =>
  write(
    `INSERT INTO activity (at, taskId, executionId, kind, type, queue, summary) VALUES ($at, NULL, NULL, $kind, $type, $queue, $summary)`,
    { at, kind, type: scope === 'type' ? name : null, queue: scope === 'queue' ? name : null, summary },
    'activity',
  )

/**
 * Keeps `workerTasks.limited` true to the `rateLimits` rows for the unfinished tasks of a key
 * (a task retried by hand from failed or cancelled gets it recomputed by `TaskRetried`).
 */
const markLimited = (scope: 'type' | 'queue', name: string) =>
  write(
    `UPDATE workerTasks SET limited = ${hasRateLimitRow('workerTasks')}
     WHERE ${scope} = $name AND status IN ('pending', 'processing') AND limited <> ${hasRateLimitRow('workerTasks')}`,
    { name },
    'workerTasks',
  )

/** Pure SQL over the payload and the state, like every materializer (docs/design.md, fact 4). */
export const rateLimitMaterializers = (ev: RateLimitEvents) =>
  State.SQLite.materializers(ev, {
    'v1.RateLimitSet': (e) => [
      write(
        `INSERT INTO rateLimits (scope, name, max, perMs, pausedUntil, updatedAt) VALUES ($scope, $name, $max, $perMs, 0, $at)
         ON CONFLICT (scope, name) DO UPDATE SET max = excluded.max, perMs = excluded.perMs, updatedAt = excluded.updatedAt`,
        { scope: e.scope, name: e.name, max: e.max, perMs: e.perMs, at: e.at },
        'rateLimits',
      ),
      markLimited(e.scope, e.name),
      limitActivity(e.scope, e.name, e.at, 'rate-limit-set', `rate limit for ${e.scope} ${e.name}: at most ${e.max} claims per ${e.perMs} ms`),
    ],

    'v1.RateLimitCleared': (e) => [
      write(`DELETE FROM rateLimits WHERE scope = $scope AND name = $name`, { scope: e.scope, name: e.name }, 'rateLimits'),
      write(`DELETE FROM rateLimitClaims WHERE scope = $scope AND name = $name`, { scope: e.scope, name: e.name }, 'rateLimitClaims'),
      markLimited(e.scope, e.name),
      limitActivity(e.scope, e.name, e.at, 'rate-limit-cleared', `rate limit and pause for ${e.scope} ${e.name} lifted`),
    ],

    'v1.TaskRateLimited': (e) => {
      const b = { taskId: e.taskId, executionId: e.executionId, at: e.at, retryAt: e.retryAt }
      return [
        activityRow(
          b,
          `CASE WHEN t.cancelRequested = 1 THEN 'cancelled' ELSE 'rate-limited' END`,
          `'rate limited by its provider: ' || t.type || ' paused for ' || ($retryAt - $at) || ' ms'
             || CASE WHEN t.cancelRequested = 1 THEN ' (cancelled)' ELSE ' (retry scheduled, attempt given back)' END`,
          { retryAt: e.retryAt },
          IS_CURRENT,
        ),
        ...dependencyOutcomeWrites(FAILED_EXECUTION_ROOTS, b, e.at),
        // Pause the type for every worker: the later deadline wins when several executions report.
        write(
          `INSERT INTO rateLimits (scope, name, max, perMs, pausedUntil, updatedAt)
           SELECT 'type', t.type, NULL, NULL, $retryAt, $at FROM workerTasks t WHERE t.id = $taskId AND ${IS_CURRENT}
           ON CONFLICT (scope, name) DO UPDATE SET pausedUntil = max(pausedUntil, excluded.pausedUntil), updatedAt = excluded.updatedAt`,
          b,
          'rateLimits',
        ),
        write(
          `UPDATE workerTasks SET limited = 1 WHERE type = (SELECT type FROM workerTasks WHERE id = $taskId)
             AND status IN ('pending', 'processing') AND limited = 0 AND ${IS_CURRENT}`,
          b,
          'workerTasks',
        ),
        write(
          `UPDATE taskExecutions SET status = CASE WHEN (SELECT cancelRequested FROM workerTasks WHERE id = $taskId) = 1 THEN 'cancelled' ELSE 'rateLimited' END,
             finishedAt = $at, durationMs = $at - startedAt
           WHERE id = $executionId AND status = 'running' AND ${IS_CURRENT}`,
          b,
          'taskExecutions',
        ),
        write(
          `UPDATE workerTasks SET status = CASE WHEN cancelRequested = 1 THEN 'cancelled' ELSE 'pending' END,
             processAfter = $retryAt, updatedAt = $at, attempts = max(attempts - 1, 0),
             finishedAt = CASE WHEN cancelRequested = 1 THEN $at ELSE NULL END,
             currentExecutionId = NULL, runnerId = NULL, leaseUntil = NULL, cancelRequested = 0
           WHERE id = $taskId AND status = 'processing' AND currentExecutionId = $executionId`,
          b,
          'workerTasks',
        ),
      ]
    },
  })
