import { State } from '@livestore/livestore'
import type { events } from '../../events/index.js'
import { claimedWrites } from './claimed.js'
import { nextClaimedWrites } from './nextClaimed.js'
import { completedWrites } from './completed.js'
import { CANCELLED_ROOTS, dependencyOutcomeWrites, FAILED_EXECUTION_ROOTS } from './dependencyOutcome.js'
import { queuedWrites } from './queued.js'
import { hasRateLimitRow } from '../eligible.js'
import { activityRow, json, write } from './sql.js'

type TaskEvents = Pick<
  typeof events,
  | 'taskQueued'
  | 'tasksQueued'
  | 'taskClaimed'
  | 'tasksClaimed'
  | 'nextTasksClaimed'
  | 'taskHeartbeat'
  | 'taskProgress'
  | 'taskCompleted'
  | 'tasksCompleted'
  | 'taskFailed'
  | 'taskLeaseExpired'
  | 'taskCancelRequested'
  | 'taskCancelled'
  | 'taskEscalated'
  | 'taskRetried'
  | 'tasksPruned'
>

/** The execution `$executionId` is the task's current one and still running: the fencing guard. */
export const IS_CURRENT = `EXISTS (SELECT 1 FROM workerTasks c WHERE c.id = $taskId AND c.status = 'processing' AND c.currentExecutionId = $executionId)`

/** Where a task goes after an execution ends without success: cancelled if asked, else retry or dead letter. */
const STATUS_AFTER_FAILURE = `CASE WHEN cancelRequested = 1 THEN 'cancelled' WHEN $retryAt IS NULL THEN 'failed' ELSE 'pending' END`

/**
 * Pure materializers: every id, time, attempt number and lease deadline comes from the payload;
 * every guard is in the SQL (`WHERE status = 'pending'`, the executionId fence), never in JS.
 * Statements run in order, so activity rows are written first, while the guard still sees the
 * state before the event.
 */
export const taskMaterializers = (ev: TaskEvents) =>
  State.SQLite.materializers(ev, {
    'v1.TaskQueued': (e) => queuedWrites([e]),
    'v1.TasksQueued': (e) => queuedWrites(e.tasks),

    'v1.TaskClaimed': (e) => claimedWrites([e]),
    'v1.TasksClaimed': (e) => claimedWrites(e.claims),
    'v1.NextTasksClaimed': (e) => nextClaimedWrites(e),

    'v1.TaskHeartbeat': (e) =>
      write(
        `UPDATE workerTasks SET leaseUntil = $leaseUntil, updatedAt = $at WHERE id = $taskId AND status = 'processing' AND currentExecutionId = $executionId`,
        { taskId: e.taskId, executionId: e.executionId, at: e.at, leaseUntil: e.leaseUntil },
        'workerTasks',
      ),

    'v1.TaskProgress': (e) => {
      const b = { taskId: e.taskId, executionId: e.executionId, at: e.at, leaseUntil: e.leaseUntil, progress: e.progress, message: e.message }
      return [
        activityRow(
          b,
          `'progress'`,
          `'progress ' || $percent || '%' || COALESCE(': ' || $message, '')`,
          { percent: Math.round(e.progress * 100), message: e.message },
          IS_CURRENT,
        ),
        write(
          `UPDATE taskExecutions SET progress = $progress, progressMessage = $message WHERE id = $executionId AND status = 'running' AND ${IS_CURRENT}`,
          b,
          'taskExecutions',
        ),
        write(
          `UPDATE workerTasks SET leaseUntil = $leaseUntil, updatedAt = $at WHERE id = $taskId AND status = 'processing' AND currentExecutionId = $executionId`,
          b,
          'workerTasks',
        ),
      ]
    },

    'v1.TaskCompleted': (e) => completedWrites([e]),
    'v1.TasksCompleted': (e) => completedWrites(e.completions),

    'v1.TaskFailed': (e) => {
      const b = {
        taskId: e.taskId,
        executionId: e.executionId,
        at: e.at,
        error: json(e.error),
        outcome: e.outcome,
        retryAt: e.retryAt,
        message: e.error.message,
      }
      return [
        activityRow(
          b,
          `CASE WHEN NOT ${IS_CURRENT} THEN 'failure-ignored' WHEN t.cancelRequested = 1 THEN 'cancelled' ELSE $outcome END`,
          `CASE WHEN NOT ${IS_CURRENT} THEN 'late failure from execution ' || $executionId || ' ignored: it no longer holds the task'
                ELSE $outcome || ': ' || $message || CASE WHEN t.cancelRequested = 1 THEN ' (cancelled)' WHEN $retryAt IS NULL THEN ' (no retry left: dead-lettered)' ELSE ' (retry scheduled)' END END`,
          { outcome: e.outcome, retryAt: e.retryAt, message: e.error.message },
        ),
        ...dependencyOutcomeWrites(FAILED_EXECUTION_ROOTS, { taskId: e.taskId, executionId: e.executionId, retryAt: e.retryAt }, e.at),
        write(
          `UPDATE taskExecutions SET status = CASE WHEN (SELECT cancelRequested FROM workerTasks WHERE id = $taskId) = 1 THEN 'cancelled' ELSE $outcome END,
             finishedAt = $at, error = $error, durationMs = $at - startedAt
           WHERE id = $executionId AND status = 'running' AND ${IS_CURRENT}`,
          b,
          'taskExecutions',
        ),
        write(
          `UPDATE workerTasks SET status = ${STATUS_AFTER_FAILURE},
             processAfter = COALESCE($retryAt, processAfter), lastError = $error, updatedAt = $at,
             finishedAt = CASE WHEN cancelRequested = 1 OR $retryAt IS NULL THEN $at ELSE NULL END,
             attempts = CASE WHEN $outcome = 'interrupted' THEN max(attempts - 1, 0) ELSE attempts END,
             currentExecutionId = NULL, runnerId = NULL, leaseUntil = NULL, cancelRequested = 0
           WHERE id = $taskId AND status = 'processing' AND currentExecutionId = $executionId`,
          b,
          'workerTasks',
        ),
      ]
    },

    'v1.TaskLeaseExpired': (e) => {
      const error = json({ type: 'LeaseExpired', message: 'the worker stopped heartbeating and its lease passed', stack: null })
      const b = { taskId: e.taskId, executionId: e.executionId, at: e.at, retryAt: e.retryAt, error }
      return [
        activityRow(
          b,
          `'expired'`,
          `'lease of execution ' || $executionId || ' expired' || CASE WHEN t.cancelRequested = 1 THEN ' (cancelled)' WHEN $retryAt IS NULL THEN ' (no retry left: dead-lettered)' ELSE ' (retry scheduled)' END`,
          { retryAt: e.retryAt },
          IS_CURRENT,
        ),
        ...dependencyOutcomeWrites(FAILED_EXECUTION_ROOTS, { taskId: e.taskId, executionId: e.executionId, retryAt: e.retryAt }, e.at),
        write(
          `UPDATE taskExecutions SET status = 'expired', finishedAt = $at, error = $error, durationMs = $at - startedAt
           WHERE id = $executionId AND status = 'running' AND ${IS_CURRENT}`,
          b,
          'taskExecutions',
        ),
        write(
          `UPDATE workerTasks SET status = ${STATUS_AFTER_FAILURE},
             processAfter = COALESCE($retryAt, processAfter), lastError = $error, updatedAt = $at,
             finishedAt = CASE WHEN cancelRequested = 1 OR $retryAt IS NULL THEN $at ELSE NULL END,
             currentExecutionId = NULL, runnerId = NULL, leaseUntil = NULL, cancelRequested = 0
           WHERE id = $taskId AND status = 'processing' AND currentExecutionId = $executionId`,
          b,
          'workerTasks',
        ),
      ]
    },

    'v1.TaskCancelRequested': (e) => {
      const b = { taskId: e.taskId, at: e.at }
      return [
        activityRow(b, `'cancel-requested'`, `'cancel requested while running'`, {}, `t.status = 'processing' AND t.cancelRequested = 0`),
        write(`UPDATE workerTasks SET cancelRequested = 1, updatedAt = $at WHERE id = $taskId AND status = 'processing'`, b, 'workerTasks'),
      ]
    },

    'v1.TaskCancelled': (e) => {
      const b = { taskId: e.taskId, executionId: e.executionId, at: e.at }
      // Without an execution: a pending task, or a dead letter being discarded (failed → cancelled).
      const guard = `(status IN ('pending', 'failed') AND $executionId IS NULL) OR (status = 'processing' AND currentExecutionId = $executionId)`
      const summary = `CASE t.status WHEN 'pending' THEN 'cancelled before it ran' WHEN 'failed' THEN 'dead letter discarded' ELSE 'cancelled while running' END`
      return [
        activityRow(b, `'cancelled'`, summary, {}, guard),
        ...dependencyOutcomeWrites(CANCELLED_ROOTS, { taskId: e.taskId, executionId: e.executionId }, e.at),
        write(
          `UPDATE taskExecutions SET status = 'cancelled', finishedAt = $at, durationMs = $at - startedAt
           WHERE id = $executionId AND status = 'running' AND ${IS_CURRENT}`,
          b,
          'taskExecutions',
        ),
        write(
          `UPDATE workerTasks SET status = 'cancelled', finishedAt = $at, updatedAt = $at, leaseUntil = NULL,
             currentExecutionId = NULL, runnerId = NULL, cancelRequested = 0
           WHERE id = $taskId AND (${guard})`,
          b,
          'workerTasks',
        ),
      ]
    },

    'v1.TaskEscalated': (e) => {
      const b = { taskId: e.taskId, at: e.at, toTaskId: e.toTaskId }
      return [
        activityRow(b, `'escalated'`, `$summary`, { summary: `escalated on ${e.reason} to ${e.toType} as ${e.toTaskId}` }),
        write(`UPDATE workerTasks SET escalatedTo = $toTaskId, updatedAt = $at WHERE id = $taskId`, b, 'workerTasks'),
      ]
    },

    'v1.TaskRetried': (e) => {
      const b = { taskId: e.taskId, at: e.at }
      const guard = `status IN ('failed', 'cancelled')`
      return [
        activityRow(b, `'retried'`, `'retried by hand from ' || t.status`, {}, `t.${guard}`),
        write(
          `UPDATE workerTasks SET status = 'pending', attempts = 0, processAfter = $at, updatedAt = $at, finishedAt = NULL, cancelRequested = 0,
             cancelReason = NULL, limited = ${hasRateLimitRow('workerTasks')}
           WHERE id = $taskId AND ${guard}`,
          b,
          'workerTasks',
        ),
      ]
    },

    'v1.TasksPruned': (e) => {
      const doomed = `SELECT id FROM workerTasks WHERE status IN ('completed', 'failed', 'cancelled') AND finishedAt < $olderThan`
      const b = { olderThan: e.olderThan }
      return [
        write(`DELETE FROM activity WHERE taskId IN (${doomed})`, b, 'activity'),
        write(`DELETE FROM executionLogs WHERE taskId IN (${doomed})`, b, 'executionLogs'),
        write(`DELETE FROM taskCheckpoints WHERE taskId IN (${doomed})`, b, 'taskCheckpoints'),
        write(`DELETE FROM taskExecutions WHERE taskId IN (${doomed})`, b, 'taskExecutions'),
        write(`DELETE FROM taskDependencies WHERE taskId IN (${doomed})`, b, 'taskDependencies'),
        write(`DELETE FROM workerTasks WHERE id IN (${doomed})`, b, 'workerTasks'),
      ]
    },
  })
