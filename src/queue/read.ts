import type { TaskExecutionRow } from '../../schema/taskExecutions.js'
import type { WorkerTaskRow } from '../../schema/workerTasks.js'
import { TaskNotFound } from '../errors.js'
import { type QueueContext, select, selectOne } from './context.js'
import { executionFromRow, taskFromRow } from './rows.js'
import type { Task } from './types.js'

/** The task row, or `TaskNotFound`. Sees writes still in the open group commit. */
export const readTaskRow = (ctx: QueueContext, taskId: string): WorkerTaskRow => {
  ctx.owned.group.flushIfTouched([taskId])
  const row = selectOne<WorkerTaskRow>(ctx, 'SELECT * FROM workerTasks WHERE id = $id', { id: taskId })
  if (row === undefined) throw new TaskNotFound({ taskId })
  return row
}

/** The task with its executions, oldest first. */
export const get = (ctx: QueueContext, taskId: string): Task => {
  const task = taskFromRow(readTaskRow(ctx, taskId))
  const executions = select<TaskExecutionRow>(ctx, 'SELECT * FROM taskExecutions WHERE taskId = $id ORDER BY attempt, startedAt', {
    id: taskId,
  }).map(executionFromRow)
  return { ...task, executions }
}
