import { events } from '../../events/index.js'
import { ValidationError } from '../errors.js'
import type { QueueContext } from './context.js'
import { lookupExecution } from './execution.js'
import type { ReportResult } from './types.js'

/**
 * processing → completed with `result`. From an execution that no longer holds its task
 * (its lease expired, it was cancelled) the event is still committed, so the activity stream
 * shows the late completion as ignored, and the answer is `accepted: false`.
 */
export const complete = async (ctx: QueueContext, executionId: string, result?: unknown): Promise<ReportResult> => {
  let json: string | undefined
  try {
    json = JSON.stringify(result ?? null)
  } catch (error) {
    throw new ValidationError({ field: 'result', reason: `must be plain JSON (${(error as Error).message})` })
  }
  if (Buffer.byteLength(json ?? '') > ctx.maxPayloadBytes) {
    throw new ValidationError({ field: 'result', reason: `over the ${ctx.maxPayloadBytes}-byte cap; store large outputs elsewhere and return a reference` })
  }
  const { taskId, holder } = lookupExecution(ctx, executionId)
  await ctx.owned.group.submit(
    [events.taskCompleted({ taskId, executionId, at: ctx.now(), result: JSON.parse(json ?? 'null') })],
    [taskId],
  )
  // A cancel requested meanwhile wins: the task ended cancelled, and the caller is told so.
  return { accepted: holder !== null, cancelRequested: holder?.cancelRequested === 1, leaseUntil: null }
}
