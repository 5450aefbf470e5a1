import type { TaskExecutionRow } from '../../schema/taskExecutions.js'
import type { WorkerTaskRow } from '../../schema/workerTasks.js'
import type { Execution, Task } from './types.js'

const parse = <T>(text: string | null): T => (text === null ? (null as T) : (JSON.parse(text) as T))

/** Raw `workerTasks` row (JSON as text, booleans as 0/1) → the `Task` the API returns. */
export const taskFromRow = (row: WorkerTaskRow): Task => ({
  id: row.id,
  type: row.type,
  queue: row.queue,
  payload: parse(row.payload),
  priority: row.priority,
  status: row.status,
  processAfter: row.processAfter,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  attempts: row.attempts,
  maxAttempts: row.maxAttempts,
  backoff: parse(row.backoff),
  timeoutMs: row.timeoutMs,
  dependsOn: parse(row.dependsOn),
  blockedBy: row.blockedBy,
  onDependencyFailure: row.onDependencyFailure,
  cancelReason: row.cancelReason ?? null,
  idempotencyKey: row.idempotencyKey,
  tags: parse(row.tags),
  metadata: parse(row.metadata),
  result: parse(row.result),
  lastError: parse(row.lastError),
  currentExecutionId: row.currentExecutionId,
  runnerId: row.runnerId,
  leaseUntil: row.leaseUntil,
  cancelRequested: row.cancelRequested === 1,
  finishedAt: row.finishedAt,
  escalatedFrom: row.escalatedFrom,
  escalatedTo: row.escalatedTo,
  createdBy: row.createdBy,
  // Rows of an archive sealed before the columns existed have neither.
  traceparent: row.traceparent ?? null,
  tracestate: row.tracestate ?? null,
})

export const executionFromRow = (row: TaskExecutionRow): Execution => ({
  id: row.id,
  taskId: row.taskId,
  attempt: row.attempt,
  runnerId: row.runnerId,
  status: row.status,
  startedAt: row.startedAt,
  finishedAt: row.finishedAt,
  progress: row.progress,
  progressMessage: row.progressMessage,
  result: parse(row.result),
  error: parse(row.error),
  durationMs: row.durationMs,
})
