import { events } from '../../events/index.js'
import { ValidationError } from '../errors.js'
import { type QueueContext, selectOne } from './context.js'
import { parseDuration } from './duration.js'

export type PruneOptions = {
  /** Finished before this time, or more than this many ms (or "7d", "12h") ago. */
  olderThan: Date | number | string
}

/** Deletes finished tasks (completed, failed, cancelled) with their executions and activity. */
export const prune = async (ctx: QueueContext, opts: PruneOptions): Promise<{ pruned: number; olderThan: number }> => {
  const now = ctx.now()
  const cutoff =
    opts?.olderThan instanceof Date
      ? opts.olderThan.getTime()
      : typeof opts?.olderThan === 'number'
        ? now - opts.olderThan
        : typeof opts?.olderThan === 'string'
          ? now - parseDuration(opts.olderThan, 'olderThan')
          : Number.NaN
  if (!Number.isFinite(cutoff) || (typeof opts.olderThan === 'number' && opts.olderThan < 0)) {
    throw new ValidationError({ field: 'olderThan', reason: 'give a Date, a duration like "7d", or a number of ms ≥ 0' })
  }
  ctx.owned.group.flush()
  const count =
    selectOne<{ n: number }>(
      ctx,
      `SELECT count(*) AS n FROM workerTasks WHERE status IN ('completed', 'failed', 'cancelled') AND finishedAt < $cutoff`,
      { cutoff },
    )?.n ?? 0
  if (count > 0) await ctx.owned.group.submit([events.tasksPruned({ olderThan: cutoff, at: now })])
  return { pruned: count, olderThan: cutoff }
}
