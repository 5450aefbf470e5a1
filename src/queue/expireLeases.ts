import { events } from '../../events/index.js'
import type { WorkerTaskRow } from '../../schema/workerTasks.js'
import { type QueueContext, select } from './context.js'
import { retryAtFor } from './fail.js'

const expire = async (ctx: QueueContext, rows: WorkerTaskRow[], at: number): Promise<string[]> => {
  await ctx.owned.group.submit(
    rows.map((row) => events.taskLeaseExpired({ taskId: row.id, executionId: row.currentExecutionId as string, at, retryAt: retryAtFor(ctx, row, at) })),
    rows.map((row) => row.id),
  )
  return rows.map((row) => row.id)
}

/** Processing tasks with what decides their lease. Bounded by the workers' slots, not by history. */
const processingLeases = (ctx: QueueContext): Array<WorkerTaskRow & { startedAt: number | null }> =>
  select(
    ctx,
    `SELECT t.*, x.startedAt FROM workerTasks t LEFT JOIN taskExecutions x ON x.id = t.currentExecutionId
     WHERE t.status = 'processing'`,
  )

/** At most this many expiries per commit. */
const MAX_EXPIRED_PER_REAP = 1000

/**
 * The reaper: every execution whose lease has passed (the later of its stored deadline and the
 * one heartbeats moved in memory) ends `expired`, and its task is retried by its policy (or
 * dead-lettered when no attempt is left). Returns the ids of the tasks expired.
 */
export const expireLeases = async (ctx: QueueContext): Promise<string[]> => {
  ctx.owned.group.flush()
  const at = ctx.now()
  const rows = processingLeases(ctx)
  ctx.leases.retain(rows)
  const due = rows
    .filter((row) => ctx.leases.deadline(row) < at)
    .sort((x, y) => ctx.leases.deadline(x) - ctx.leases.deadline(y))
    .slice(0, MAX_EXPIRED_PER_REAP)
  return due.length === 0 ? [] : expire(ctx, due, at)
}

/** The earliest lease deadline among processing tasks, or null when none is processing. */
export const nextLeaseDeadline = (ctx: QueueContext): number | null => {
  let next: number | null = null
  for (const row of processingLeases(ctx)) {
    const d = ctx.leases.deadline(row)
    if (next === null || d < next) next = d
  }
  return next
}

/** Every processing task gets a full lease period from now (the host's memory of heartbeats was lost). */
export const rearmLeases = (ctx: QueueContext): void => {
  ctx.owned.group.flush()
  ctx.leases.rearm(processingLeases(ctx), ctx.now())
}

/**
 * For operators after a crash: requeues processing tasks whose lease has passed (as the store
 * has it, with the heartbeats this process saw) or whose runner reported that it stopped.
 * Running executions of live runners are left alone.
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
  ).filter((row) => ctx.leases.deadline(row) < at || row.runnerId === null || stoppedRunner(ctx, row.runnerId))
  return rows.length === 0 ? [] : expire(ctx, rows, at)
}

const stoppedRunner = (ctx: QueueContext, runnerId: string): boolean =>
  select(ctx, `SELECT 1 FROM runners WHERE id = $id AND status = 'stopped'`, { id: runnerId }).length > 0
