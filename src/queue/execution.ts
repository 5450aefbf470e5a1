import type { WorkerTaskRow } from '../../schema/workerTasks.js'
import { ExecutionNotFound } from '../errors.js'
import { type QueueContext, selectOne } from './context.js'

export type ExecutionLookup = {
  taskId: string
  /** The task row while this execution still holds it (processing, same executionId), else null. */
  holder: WorkerTaskRow | null
}

/**
 * Finds an execution and whether it still holds its task. The executionId is the fencing token:
 * a report from an execution that no longer holds the task is recorded and changes nothing.
 */
export const lookupExecution = (ctx: QueueContext, executionId: string): ExecutionLookup => {
  const exec = selectOne<{ taskId: string }>(ctx, 'SELECT taskId FROM taskExecutions WHERE id = $id', { id: executionId })
  if (exec === undefined) {
    // A claim still in the open group commit is not visible yet: commit it and look again.
    ctx.owned.group.flush()
    const again = selectOne<{ taskId: string }>(ctx, 'SELECT taskId FROM taskExecutions WHERE id = $id', { id: executionId })
    if (again === undefined) throw new ExecutionNotFound({ executionId })
    return lookupHolder(ctx, again.taskId, executionId)
  }
  ctx.owned.group.flushIfTouched([exec.taskId])
  return lookupHolder(ctx, exec.taskId, executionId)
}

const lookupHolder = (ctx: QueueContext, taskId: string, executionId: string): ExecutionLookup => ({
  taskId,
  holder:
    selectOne<WorkerTaskRow>(
      ctx,
      `SELECT * FROM workerTasks WHERE id = $taskId AND status = 'processing' AND currentExecutionId = $executionId`,
      { taskId, executionId },
    ) ?? null,
})
