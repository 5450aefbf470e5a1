import type { ActivityEntry, Execution, Task } from '../queue/types.js'
import { duration, keyValue, oneLine, preview, relative, table, truncate, when } from './format.js'
import { executionLogs } from './formatLogs.js'
import { traceIdOf } from '../tracing/traceparent.js'

/** Human views of tasks: a list table, a summary block, and the full detail for `show`. */

/** When a pending task may run: "now", "in 5m", or blocked by its dependencies. */
const runs = (task: Task, now: number): string => {
  if (task.status !== 'pending') return '-'
  const time = task.processAfter <= now ? 'now' : relative(task.processAfter, now)
  return task.blockedBy > 0 ? `${time}, after ${task.blockedBy} dep${task.blockedBy === 1 ? '' : 's'}` : time
}

export const taskTable = (tasks: ReadonlyArray<Task>, now: number): string =>
  table(
    ['ID', 'TYPE', 'QUEUE', 'STATUS', 'PRI', 'TRIES', 'CREATED', 'RUNS', 'PAYLOAD'],
    tasks.map((t) => [
      t.id,
      t.type,
      t.queue,
      t.cancelRequested && t.status === 'processing' ? 'cancelling' : t.status,
      String(t.priority),
      `${t.attempts}/${t.maxAttempts}`,
      relative(t.createdAt, now),
      runs(t, now),
      preview(t.payload, 40),
    ]),
  )

/** The task's fields as a key-value block. */
export const taskSummary = (task: Task, now: number): string =>
  keyValue([
    ['id', task.id],
    ['type', task.type],
    ['queue', task.queue],
    ['status', task.cancelRequested && task.status === 'processing' ? 'processing (cancel requested)' : task.status],
    ['cancelled', task.cancelReason ?? undefined],
    ['priority', String(task.priority)],
    ['attempts', `${task.attempts} of ${task.maxAttempts}`],
    ['runs', task.status === 'pending' ? `${runs(task, now)} (${new Date(task.processAfter).toISOString()})` : undefined],
    ['created', when(task.createdAt, now)],
    ['updated', when(task.updatedAt, now)],
    ['finished', task.finishedAt === null ? undefined : when(task.finishedAt, now)],
    [
      'backoff',
      `${task.backoff.strategy}, base ${duration(task.backoff.baseMs)}, ×${task.backoff.factor}, cap ${duration(task.backoff.maxMs)}${task.backoff.jitter ? ', jitter' : ''}`,
    ],
    ['timeout', task.timeoutMs === null ? undefined : duration(task.timeoutMs)],
    ['depends on', task.dependsOn.length === 0 ? undefined : `${task.dependsOn.join(', ')} (${task.blockedBy} not settled)`],
    ['if one fails', task.dependsOn.length === 0 ? undefined : task.onDependencyFailure === 'run' ? 'run anyway' : 'cancel this task'],
    ['key', task.idempotencyKey ?? undefined],
    ['tags', task.tags.length === 0 ? undefined : task.tags.join(', ')],
    ['metadata', Object.keys(task.metadata).length === 0 ? undefined : preview(task.metadata, 200)],
    ['runner', task.runnerId ?? undefined],
    ['lease until', task.leaseUntil === null ? undefined : when(task.leaseUntil, now)],
    ['escalated from', task.escalatedFrom ?? undefined],
    ['escalated to', task.escalatedTo ?? undefined],
    // The id to search a trace backend by (Jaeger, Tempo, Honeycomb…); README, "Tracing".
    ['trace', traceIdOf(task.traceparent) ?? undefined],
    ['payload', preview(task.payload, 200)],
    ['result', task.result === null || task.result === undefined ? undefined : preview(task.result, 200)],
    ['last error', task.lastError === null ? undefined : truncate(oneLine(`${task.lastError.type}: ${task.lastError.message}`), 200)],
    [
      'checkpoint',
      task.checkpoint
        ? `${preview(task.checkpoint.data, 200)} (saved by attempt ${task.checkpoint.attempt}, ${when(task.checkpoint.savedAt, now)})`
        : undefined,
    ],
  ])

const executionTable = (executions: ReadonlyArray<Execution>, now: number): string =>
  table(
    ['ATTEMPT', 'EXECUTION', 'STATUS', 'RUNNER', 'STARTED', 'TOOK', 'PROGRESS', 'ERROR'],
    executions.map((e) => [
      String(e.attempt),
      e.id,
      e.status,
      e.runnerId,
      relative(e.startedAt, now),
      e.durationMs === null ? '-' : duration(e.durationMs),
      e.progress === null ? '-' : `${Math.round(e.progress * 100)}%${e.progressMessage ? ` ${e.progressMessage}` : ''}`,
      e.error === null ? '' : truncate(`${e.error.type}: ${e.error.message}`, 80),
    ]),
  )

const activityTable = (entries: ReadonlyArray<ActivityEntry>): string =>
  table(
    ['AT', 'KIND', 'SUMMARY'],
    entries.map((a) => [new Date(a.at).toISOString(), a.kind, a.summary]),
  )

/** `show`: the summary, every execution, and the latest activity. */
export const taskDetail = (task: Task, activity: ReadonlyArray<ActivityEntry>, now: number): string => {
  const executions = task.executions ?? []
  return [
    taskSummary(task, now),
    '',
    executions.length === 0 ? 'Executions: none yet' : `Executions:\n${executionTable(executions, now)}`,
    '',
    executionLogs(executions),
    '',
    activity.length === 0 ? 'Activity: none' : `Recent activity:\n${activityTable(activity)}`,
  ].join('\n')
}
