import { events } from '../../events/index.js'
import { toErrorInfo } from '../queue/fail.js'
import type { TaskQueue } from '../queue/TaskQueue.js'
import type { Task } from '../queue/types.js'
import type { EscalationRule } from './types.js'

export type EscalationReason = 'failure' | 'timeout'

/**
 * The target type for a task that ended for good, or null when its type has no rule for it.
 * A final timeout is a failure too: without `onTimeout` it goes where `onFailure` says.
 */
export const escalationTarget = (rules: Record<string, EscalationRule> | undefined, type: string, reason: EscalationReason): string | null => {
  const rule = rules?.[type]
  if (!rule) return null
  return (reason === 'timeout' ? (rule.onTimeout ?? rule.onFailure) : rule.onFailure) ?? null
}

/**
 * Enqueues the linked task (payload: the original payload, the error, where it came from) and
 * records `TaskEscalated` on the original. The idempotency key ties the escalation to the
 * execution that ended the task, so doing this twice (a retry of the report) adds one task.
 * Same queue and priority as the original, so the escalation is not starved by other work.
 */
export const escalate = async (
  queue: TaskQueue,
  task: Task,
  executionId: string,
  toType: string,
  reason: EscalationReason,
  error: unknown,
): Promise<{ toTaskId: string }> => {
  const [linked] = await queue.enqueueEscalation(
    {
      type: toType,
      payload: { original: task.payload, error: toErrorInfo(error), fromTaskId: task.id, reason },
      queue: task.queue,
      priority: task.priority,
      idempotencyKey: `escalation:${task.id}:${executionId}`,
      metadata: { escalatedFrom: task.id, fromType: task.type, reason },
    },
    task.id,
  )
  const toTaskId = (linked as Task).id
  // Already escalated by an earlier try of this same report: the event is there too.
  if ((linked as Task).deduplicated) return { toTaskId }
  await queue.owned.group.submit([events.taskEscalated({ taskId: task.id, toTaskId, toType, reason, at: queue.now() })], [task.id])
  return { toTaskId }
}
