import { events } from '../../events/index.js'
import { jsonWithin } from '../limits.js'
import type { QueueContext } from './context.js'
import { lookupExecution, type Reporter } from './execution.js'
import type { ReportResult } from './types.js'

/**
 * processing → completed with `result`. From an execution that no longer holds its task
 * (its lease expired, it was cancelled) the event is still committed, so the activity stream
 * shows the late completion as ignored, and the answer is `accepted: false`. With
 * `by.runnerId`, only the runner that claimed the execution may complete it (`NotClaimant`).
 * A result JSON cannot represent (a function, a symbol, BigInt) is refused, as at enqueue;
 * `undefined` (a handler that returns nothing) is stored as null.
 */
export const complete = async (ctx: QueueContext, executionId: string, result?: unknown, by: Reporter = {}): Promise<ReportResult> => {
  const json = jsonWithin(result === undefined ? null : result, 'result', { maxBytes: ctx.maxPayloadBytes })
  const { taskId, holder } = lookupExecution(ctx, executionId, by)
  await ctx.owned.group.submit([events.taskCompleted({ taskId, executionId, at: ctx.now(), result: JSON.parse(json) })], [taskId])
  // A cancel requested meanwhile wins: the task ended cancelled, and the caller is told so.
  return { accepted: holder !== null, cancelRequested: holder?.cancelRequested === 1, leaseUntil: null }
}
