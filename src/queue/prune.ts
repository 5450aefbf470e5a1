import { events } from '../../events/index.js'
import { ValidationError } from '../errors.js'
import { LATEST_TIME_MS, MAX_DURATION_MS } from '../limits.js'
import { type QueueContext, selectOne } from './context.js'
import { parseDuration } from './duration.js'

/** A bound broken says the same as a wrong type: what olderThan may be. */
const boundedMsOr = (ms: number, how: string): number => {
  if (!(Number.isFinite(ms) && ms >= 0 && ms <= MAX_DURATION_MS)) throw new ValidationError({ field: 'olderThan', reason: `${how}; got ${ms}` })
  return Math.round(ms)
}
const boundedTimeOr = (t: number, how: string): number => {
  if (!(Number.isFinite(t) && t >= 0 && t <= LATEST_TIME_MS)) throw new ValidationError({ field: 'olderThan', reason: `${how}; got ${t}` })
  return t
}

export type PruneOptions = {
  /** Finished before this time, or more than this many ms (or "7d", "12h") ago. */
  olderThan: Date | number | string
}

/** Deletes finished tasks (completed, failed, cancelled) with their executions and activity. */
export const prune = async (ctx: QueueContext, opts: PruneOptions): Promise<{ pruned: number; olderThan: number }> => {
  const now = ctx.now()
  const olderThan = opts?.olderThan
  const how = 'give a Date (1970–9999), a duration like "7d", or a number of ms from 0 to 3155760000000 (100 years)'
  const cutoff =
    olderThan instanceof Date
      ? boundedTimeOr(olderThan.getTime(), how)
      : typeof olderThan === 'number'
        ? now - boundedMsOr(olderThan, how)
        : typeof olderThan === 'string'
          ? now - boundedMsOr(parseDuration(olderThan, 'olderThan'), how)
          : Number.NaN
  if (!Number.isFinite(cutoff)) throw new ValidationError({ field: 'olderThan', reason: how })
  ctx.owned.group.flush()
  const count =
    selectOne<{ n: number }>(ctx, `SELECT count(*) AS n FROM workerTasks WHERE status IN ('completed', 'failed', 'cancelled') AND finishedAt < $cutoff`, {
      cutoff,
    })?.n ?? 0
  if (count > 0) await ctx.owned.group.submit([events.tasksPruned({ olderThan: cutoff, at: now })])
  return { pruned: count, olderThan: cutoff }
}
