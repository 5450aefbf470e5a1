import type { Task } from '../queue/types.js'
import type { WorkerBackend } from './backend.js'
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

/** Enqueues the linked task and records `TaskEscalated` (the core's `escalate`: idempotent per execution). */
export const escalate = async (
  backend: Pick<WorkerBackend, 'escalate'>,
  task: Task,
  executionId: string,
  toType: string,
  reason: EscalationReason,
  error: unknown,
): Promise<{ toTaskId: string }> => {
  const linked = await backend.escalate({ taskId: task.id, executionId, toType, reason, error })
  return { toTaskId: linked.id }
}
