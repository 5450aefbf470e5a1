import { TaskStatus } from '../../schema/workerTasks.js'
import { type QueueContext, select, selectOne } from './context.js'
import type { BreakerRow, Stats, StatusCounts } from './types.js'
import { unhandledTypes } from './unhandledTypes.js'

const zero = (): StatusCounts => ({ pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 })

/** Counts by status, queue, type and (pending) priority, and the age of the oldest pending task. */
export const stats = (ctx: QueueContext): Stats => {
  ctx.owned.group.flush()
  // Two grouped scans of narrow indexes (queue, status, …) and (type, status) rather than one
  // over the table: an index entry is a few bytes, a task row carries its payload and result.
  // 100k tasks: see bench/dashboard.ts.
  const byStatus = zero()
  const byQueue: Stats['byQueue'] = {}
  const byType: Stats['byType'] = {}
  const known = (status: string): status is keyof StatusCounts => TaskStatus.literals.includes(status as keyof StatusCounts)
  for (const r of select<{ queue: string; status: string; n: number }>(ctx, 'SELECT queue, status, count(*) AS n FROM workerTasks GROUP BY queue, status')) {
    if (!known(r.status)) continue
    byStatus[r.status] += r.n
    byQueue[r.queue] ??= { ...zero(), paused: false }
    ;(byQueue[r.queue] as StatusCounts)[r.status] += r.n
  }
  for (const r of select<{ type: string; status: string; n: number }>(ctx, 'SELECT type, status, count(*) AS n FROM workerTasks GROUP BY type, status')) {
    if (!known(r.status)) continue
    byType[r.type] ??= zero()
    ;(byType[r.type] as StatusCounts)[r.status] += r.n
  }
  for (const q of select<{ name: string; paused: number }>(ctx, 'SELECT name, paused FROM queues')) {
    byQueue[q.name] ??= { ...zero(), paused: false }
    ;(byQueue[q.name] as StatusCounts & { paused: boolean }).paused = q.paused === 1
  }
  const byPriority: Record<string, number> = {}
  for (const r of select<{ priority: number; n: number }>(
    ctx,
    `SELECT priority, count(*) AS n FROM workerTasks WHERE status = 'pending' GROUP BY priority ORDER BY priority DESC`,
  )) {
    byPriority[String(r.priority)] = r.n
  }
  const oldest = selectOne<{ createdAt: number | null }>(ctx, `SELECT min(createdAt) AS createdAt FROM workerTasks WHERE status = 'pending'`)
  const oldestPendingAgeMs = oldest?.createdAt == null ? null : Math.max(0, ctx.now() - oldest.createdAt)
  const breakers = select<BreakerRow>(
    ctx,
    `SELECT b.runnerId, b.type, b.state, b.consecutiveFailures, b.changedAt, b.reopensAt FROM circuitBreakers b
     JOIN runners r ON r.id = b.runnerId WHERE r.status = 'running' AND b.state != 'closed' ORDER BY b.changedAt`,
  )
  return { byStatus, byQueue, byType, byPriority, oldestPendingAgeMs, breakers, unhandledTypes: unhandledTypes(ctx, byType) }
}
