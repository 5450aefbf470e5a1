import { HOLDS_SQL } from '../../schema/eligible.js'
import type { WorkerTaskRow } from '../../schema/workerTasks.js'
import { ExecutionNotFound, NotClaimant, ValidationError } from '../errors.js'
import { MAX_RUNNER_ID_CHARS } from '../limits.js'
import { type QueueContext, selectOne } from './context.js'

export type ExecutionLookup = {
  taskId: string
  /** The task row while this execution still holds it (processing, same executionId), else null. */
  holder: WorkerTaskRow | null
}

/** Who may report: when given, the runner that claimed the execution (HTTP always gives it). */
export type Reporter = { runnerId?: string | undefined }

const EXECUTION_SQL = 'SELECT taskId, runnerId FROM taskExecutions WHERE id = $id'

/** A reporter's runnerId, checked for shape before any read. */
export const checkReporter = (by: Reporter): void => {
  const r = by.runnerId
  if (r !== undefined && (typeof r !== 'string' || r.length === 0 || r.length > MAX_RUNNER_ID_CHARS)) {
    throw new ValidationError({ field: 'runnerId', reason: `must be a string of 1–${MAX_RUNNER_ID_CHARS} characters` })
  }
}

/**
 * Finds an execution and whether it still holds its task. The executionId is the fencing token:
 * a report from an execution that no longer holds the task is recorded and changes nothing.
 * With `by.runnerId`, a report on an execution another runner claimed is refused (`NotClaimant`).
 */
export const lookupExecution = (ctx: QueueContext, executionId: string, by: Reporter = {}): ExecutionLookup => {
  checkReporter(by)
  let exec = selectOne<{ taskId: string; runnerId: string }>(ctx, EXECUTION_SQL, { id: executionId })
  if (exec === undefined) {
    // A claim still in the open group commit is not visible yet: commit it and look again.
    ctx.owned.group.flush()
    exec = selectOne<{ taskId: string; runnerId: string }>(ctx, EXECUTION_SQL, { id: executionId })
    if (exec === undefined) throw new ExecutionNotFound({ executionId })
  } else {
    ctx.owned.group.flushIfTouched([exec.taskId])
  }
  if (by.runnerId !== undefined && by.runnerId !== exec.runnerId) {
    throw new NotClaimant({ executionId, runnerId: by.runnerId, claimedBy: exec.runnerId })
  }
  return lookupHolder(ctx, exec.taskId, executionId)
}

const lookupHolder = (ctx: QueueContext, taskId: string, executionId: string): ExecutionLookup => ({
  taskId,
  holder: selectOne<WorkerTaskRow>(ctx, HOLDS_SQL, { taskId, executionId }) ?? null,
})

/** The task an execution belongs to (a worker reports only its executionId), or `ExecutionNotFound`. */
export const taskOfExecution = (ctx: QueueContext, executionId: string): string => {
  const exec = selectOne<{ taskId: string }>(ctx, EXECUTION_SQL, { id: executionId })
  if (exec === undefined) throw new ExecutionNotFound({ executionId })
  return exec.taskId
}
