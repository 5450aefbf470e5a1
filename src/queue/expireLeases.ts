import { events } from '../../events/index.js'
import type { WorkerTaskRow } from '../../schema/workerTasks.js'
import { type QueueContext, select } from './context.js'
import { retryAtFor } from './fail.js'

const expire = async (ctx: QueueContext, rows: WorkerTaskRow[], at: number): Promise<string[]> => {
  await ctx.owned.group.submit(
    rows.map((row) =>
      events.taskLeaseExpired({ taskId: row.id, executionId: row.currentExecutionId as string, at, retryAt: retryAtFor(ctx, row, at) }),
    ),
    rows.map((row) => row.id),
  )
  return rows.map((row) => row.id)
}

/**
 * The reaper: every execution whose lease has passed ends `expired`, and its task is retried by
 * its policy (or dead-lettered when no attempt is left). Returns the ids of the tasks expired.
 */
export const expireLeases = async (ctx: QueueContext): Promise<string[]> => {
  ctx.owned.group.flush()
  const at = ctx.now()
  const rows = select<WorkerTaskRow>(
    ctx,
    `SELECT * FROM workerTasks WHERE status = 'processing' AND leaseUntil < $at ORDER BY leaseUntil LIMIT 1000`,
    { at },
  )
  return rows.length === 0 ? [] : expire(ctx, rows, at)
}

/**
 * For operators after a crash: requeues processing tasks whose lease has passed or whose runner
 * reported that it stopped. Running executions of live runners are left alone.
 */
export const requeueStuck = async (ctx: QueueContext): Promise<string[]> => {
  ctx.owned.group.flush()
  const at = ctx.now()
  const rows = select<WorkerTaskRow>(
    ctx,
    `SELECT t.* FROM workerTasks t
     WHERE t.status = 'processing'
       AND (t.leaseUntil < $at OR EXISTS (SELECT 1 FROM runners r WHERE r.id = t.runnerId AND r.status = 'stopped'))`,
    { at },
  )
  return rows.length === 0 ? [] : expire(ctx, rows, at)
}
