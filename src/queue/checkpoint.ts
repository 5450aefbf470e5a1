import { events } from '../../events/index.js'
import type { TaskCheckpointRow } from '../../schema/taskCheckpoints.js'
import { jsonWithin, MAX_CHECKPOINT_BYTES } from '../limits.js'
import type { QueueContext } from './context.js'
import { lookupExecution, type Reporter } from './execution.js'
import { checkpointFromRow, type SelectRows } from './logRows.js'
import type { Claim, ReportResult } from './types.js'

/**
 * A handler's checkpoint (issue 15): the JSON value the task's next attempt sees as
 * `ctx.lastCheckpoint`, replacing the previous one. Resolves once persisted. Only the execution
 * that holds the task may save one (the fence is in the materializer's SQL): from an execution
 * that lost its lease, the answer is `accepted: false` and nothing is kept. With `by.runnerId`,
 * only the runner that claimed the execution may save (`NotClaimant`). At most 256 KiB of JSON.
 */
export const saveCheckpoint = async (ctx: QueueContext, executionId: string, data: unknown, by: Reporter = {}): Promise<ReportResult> => {
  const json = jsonWithin(data, 'checkpoint', { maxBytes: MAX_CHECKPOINT_BYTES })
  const { taskId, holder } = lookupExecution(ctx, executionId, by)
  if (holder === null) return { accepted: false, cancelRequested: false, leaseUntil: null }
  await ctx.owned.group.submit([events.checkpointSaved({ taskId, executionId, at: ctx.now(), data: JSON.parse(json) })], [taskId])
  return { accepted: true, cancelRequested: holder.cancelRequested === 1, leaseUntil: holder.leaseUntil }
}

/** Claims with their task's checkpoint, when it has one: the attempt resumes from it. One read for the lot. */
export const withCheckpoints = (selectRows: SelectRows, claims: Claim[]): Claim[] => {
  if (claims.length === 0) return claims
  const rows = selectRows<TaskCheckpointRow>('SELECT * FROM taskCheckpoints WHERE taskId IN (SELECT value FROM json_each($ids))', {
    ids: JSON.stringify(claims.map((c) => c.task.id)),
  })
  if (rows.length === 0) return claims
  const byTask = new Map(rows.map((r) => [r.taskId, checkpointFromRow(r)]))
  return claims.map((c) => {
    const checkpoint = byTask.get(c.task.id)
    return checkpoint === undefined ? c : { ...c, checkpoint }
  })
}
