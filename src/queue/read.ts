import type { TaskExecutionRow } from '../../schema/taskExecutions.js'
import type { WorkerTaskRow } from '../../schema/workerTasks.js'
import { TaskNotFound } from '../errors.js'
import { type QueueContext, select, selectOne } from './context.js'
import { checkpointOf, logsByExecution } from './logRows.js'
import { executionFromRow, taskFromRow } from './rows.js'
import type { Task } from './types.js'

/** The task row, or `TaskNotFound`. Sees writes still in the open group commit. */
export const readTaskRow = (ctx: QueueContext, taskId: string): WorkerTaskRow => {
  ctx.owned.group.flushIfTouched([taskId])
  const row = selectOne<WorkerTaskRow>(ctx, 'SELECT * FROM workerTasks WHERE id = $id', { id: taskId })
  if (row === undefined) throw new TaskNotFound({ taskId })
  return row
}

/** A read-only query on some state database: the live store's, or a sealed epoch's (src/epochs/archive.ts). */
export type SelectRows = <T>(query: string, bindValues: Record<string, string | number | null>) => ReadonlyArray<T>

/** The task of `row` with its executions (by attempt number, each with its kept logs) and its checkpoint, read through `selectRows`. */
export const taskWithExecutions = (selectRows: SelectRows, row: WorkerTaskRow): Task => {
  const logs = logsByExecution(selectRows, row.id)
  const executions = selectRows<TaskExecutionRow>('SELECT * FROM taskExecutions WHERE taskId = $id ORDER BY attempt, startedAt', {
    id: row.id,
  }).map((r) => ({ ...executionFromRow(r), ...(logs.get(r.id) ?? { logs: [], droppedLines: 0 }) }))
  return { ...taskFromRow(row), executions, checkpoint: checkpointOf(selectRows, row.id) }
}

/** The task with its executions, by attempt number. */
export const get = (ctx: QueueContext, taskId: string): Task =>
  taskWithExecutions((query, bindValues) => select(ctx, query, bindValues), readTaskRow(ctx, taskId))
