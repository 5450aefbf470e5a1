import type { ErrorInfo } from '../../src/queue/types.js'
import type { Handler } from '../../src/runtime/index.js'

/** What an escalated task carries: the original payload, the error that ended it, where it came from. */
export type EscalatedPayload = { original: unknown; error: ErrorInfo; fromTaskId: string; reason: 'failure' | 'timeout' }

/**
 * `human-review`: the escalation target. A real one would open a ticket or ping someone; this
 * one records what needs a look and returns it as the result.
 */
export const humanReview: Handler<EscalatedPayload, { needsHuman: true; fromTaskId: string; reason: string }> = async (task, ctx) => {
  const { fromTaskId, error, reason } = task.payload
  ctx.log(`task ${fromTaskId} needs a human (${reason}): ${error.message}`)
  return { needsHuman: true, fromTaskId, reason: `${reason}: ${error.message}` }
}
