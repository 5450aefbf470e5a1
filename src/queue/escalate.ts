import { events } from '../../events/index.js'
import { ValidationError } from '../errors.js'
import type { QueueContext } from './context.js'
import { type EnqueueExtra, enqueueMany } from './enqueue.js'
import { toErrorInfo } from './errorInfo.js'
import { readTaskRow } from './read.js'
import { taskFromRow } from './rows.js'
import type { Task } from './types.js'

export type EscalationInput = {
  /** The task that failed for good or timed out. */
  taskId: string
  /** The execution that ended it: ties the escalation to it, so reporting twice adds one task. */
  executionId: string
  toType: string
  reason: 'failure' | 'timeout'
  error: unknown
}

/**
 * Re-routes a task: enqueues a linked task of `toType` (payload: the original payload, the
 * error, where it came from; same queue and priority, so it is not starved) and records
 * `TaskEscalated` on the original. Idempotent per execution. Resolves with the linked task.
 */
export const escalate = async (ctx: QueueContext, input: EscalationInput, by: Pick<EnqueueExtra, 'trace'> = {}): Promise<Task> => {
  if (input?.reason !== 'failure' && input?.reason !== 'timeout') {
    throw new ValidationError({ field: 'reason', reason: `must be failure or timeout; got ${String(input?.reason)}` })
  }
  for (const field of ['taskId', 'executionId'] as const) {
    if (typeof input[field] !== 'string' || input[field].length === 0 || input[field].length > 200) {
      throw new ValidationError({ field, reason: 'must be an id of 1–200 characters' })
    }
  }
  const task = taskFromRow(readTaskRow(ctx, input.taskId))
  const [linked] = await enqueueMany(
    ctx,
    [
      {
        type: input.toType,
        payload: { original: task.payload, error: toErrorInfo(input.error), fromTaskId: task.id, reason: input.reason },
        queue: task.queue,
        priority: task.priority,
        idempotencyKey: `escalation:${task.id}:${input.executionId}`,
        metadata: { escalatedFrom: task.id, fromType: task.type, reason: input.reason },
      },
    ],
    { escalatedFrom: task.id, ...by },
  )
  const toTask = linked as Task
  // Already escalated by an earlier report of this same execution: the event is there too.
  if (!toTask.deduplicated) {
    await ctx.owned.group.submit(
      [events.taskEscalated({ taskId: task.id, toTaskId: toTask.id, toType: input.toType, reason: input.reason, at: ctx.now() })],
      [task.id],
    )
  }
  return toTask
}
