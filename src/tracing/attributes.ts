/**
 * The span names and attributes livequeue records (README, "Tracing"). Where OpenTelemetry's
 * messaging semantic conventions have a name for something, it is used (`messaging.*`, `error.type`);
 * the rest is under `livequeue.*`.
 */
export const TRACER_NAME = 'livequeue'

export const ATTR = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  /** The named queue. */
  destination: 'messaging.destination.name',
  /** The task id. */
  messageId: 'messaging.message.id',
  /** Tasks in one `enqueueMany` (only on a batch's span). */
  batchCount: 'messaging.batch.message_count',
  errorType: 'error.type',
  taskType: 'livequeue.task.type',
  taskQueue: 'livequeue.task.queue',
  taskId: 'livequeue.task.id',
  executionId: 'livequeue.execution.id',
  attempt: 'livequeue.execution.attempt',
  outcome: 'livequeue.execution.outcome',
  runnerId: 'livequeue.runner.id',
  /** The enqueue returned an existing task (same idempotency key). */
  deduplicated: 'livequeue.task.deduplicated',
} as const

/**
 * How an execution ended, as its span's `livequeue.execution.outcome`: `completed`; `retried`
 * (the attempt failed or timed out, another is scheduled); `failed` (failed for good: the dead
 * letter); `cancelled`; `interrupted` (shutdown gave the attempt back); `expired` (the execution
 * no longer held its task, its lease ran out, so the queue ignored its report); `rateLimited`
 * (`ctx.rateLimited(ms)`: retried after ms, the attempt given back).
 */
export type ExecutionOutcome = 'completed' | 'retried' | 'failed' | 'cancelled' | 'interrupted' | 'expired' | 'rateLimited'
