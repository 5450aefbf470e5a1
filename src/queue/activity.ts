import { ValidationError } from '../errors.js'
import { type QueueContext, select } from './context.js'
import type { ActivityEntry } from './types.js'

export type ActivityOptions = {
  /** Entries after this `seq` (a resume cursor), oldest first. Without it: the latest `limit`. */
  since?: number
  /** (Default: 100, at most 1000) */
  limit?: number
  taskId?: string
  queue?: string
  type?: string
}

/** The activity stream: one entry per task event, in commit order, by `seq`. */
export const activity = (ctx: QueueContext, opts: ActivityOptions = {}): ActivityEntry[] => {
  const limit = opts.limit ?? 100
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ValidationError({ field: 'limit', reason: 'must be an integer 1–1000' })
  if (opts.since !== undefined && !(Number.isInteger(opts.since) && opts.since >= 0)) {
    throw new ValidationError({ field: 'since', reason: 'must be a seq number ≥ 0 from an earlier entry' })
  }
  ctx.owned.group.flush()
  const filters = `($taskId IS NULL OR taskId = $taskId) AND ($queue IS NULL OR queue = $queue) AND ($type IS NULL OR type = $type)`
  const binds = { taskId: opts.taskId ?? null, queue: opts.queue ?? null, type: opts.type ?? null, limit }
  if (opts.since !== undefined) {
    return select<ActivityEntry>(ctx, `SELECT * FROM activity WHERE seq > $since AND ${filters} ORDER BY seq LIMIT $limit`, {
      ...binds,
      since: opts.since,
    })
  }
  return select<ActivityEntry>(ctx, `SELECT * FROM activity WHERE ${filters} ORDER BY seq DESC LIMIT $limit`, binds).reverse()
}
