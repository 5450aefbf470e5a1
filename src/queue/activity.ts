import { ValidationError } from '../errors.js'
import { type QueueContext, select } from './context.js'
import type { ActivityEntry } from './types.js'

export type ActivityOptions = {
  /** Entries after this `seq` (a resume cursor), oldest first. Without it: the latest `limit`. */
  since?: number
  /** The latest `limit` entries before this `seq` (paging back through history); excludes `since`. */
  before?: number
  /** (Default: 100, at most 1000) */
  limit?: number
  taskId?: string
  queue?: string
  type?: string
  /** Only these kinds, e.g. `completed` or `started,completed,failed`. */
  kind?: string
}

/** `kind`'s one bind: a comma-separated list matched whole-word in SQL (SQLite binds no arrays). */
const kindList = (kind: string | undefined): string | null => {
  if (kind === undefined) return null
  const kinds = kind.split(',').map((k) => k.trim())
  if (kinds.some((k) => !/^[a-z-]+$/.test(k))) {
    throw new ValidationError({ field: 'kind', reason: 'must be activity kinds separated by commas, e.g. started,completed,failed' })
  }
  return kinds.join(',')
}

/** Checks the options; returns the page size. */
export const checkActivityOptions = (opts: ActivityOptions): number => {
  const limit = opts.limit ?? 100
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ValidationError({ field: 'limit', reason: 'must be an integer 1–1000' })
  if (opts.since !== undefined && !(Number.isInteger(opts.since) && opts.since >= 0)) {
    throw new ValidationError({ field: 'since', reason: 'must be a seq number ≥ 0 from an earlier entry' })
  }
  if (opts.before !== undefined && !(Number.isInteger(opts.before) && opts.before >= 0)) {
    throw new ValidationError({ field: 'before', reason: 'must be a seq number ≥ 0 from an earlier entry' })
  }
  if (opts.before !== undefined && opts.since !== undefined) {
    throw new ValidationError({ field: 'before', reason: 'give since (newer entries) or before (older entries), not both' })
  }
  return limit
}

/** The filters' SQL condition and binds, shared with the sealed epochs' reader (src/epochs/archive.ts). */
export const activityFilters = (opts: ActivityOptions): { filters: string; binds: Record<string, string | number | null> } => ({
  filters: `($taskId IS NULL OR taskId = $taskId) AND ($queue IS NULL OR queue = $queue) AND ($type IS NULL OR type = $type)
    AND ($kinds IS NULL OR instr(',' || $kinds || ',', ',' || kind || ',') > 0)`,
  binds: { taskId: opts.taskId ?? null, queue: opts.queue ?? null, type: opts.type ?? null, kinds: kindList(opts.kind) },
})

/** The activity stream: one entry per task event, in commit order, by `seq`. */
export const activity = (ctx: QueueContext, opts: ActivityOptions = {}): ActivityEntry[] => {
  const limit = checkActivityOptions(opts)
  ctx.owned.group.flush()
  const { filters, binds: filterBinds } = activityFilters(opts)
  const binds = { ...filterBinds, limit }
  if (opts.since !== undefined) {
    return select<ActivityEntry>(ctx, `SELECT * FROM activity WHERE seq > $since AND ${filters} ORDER BY seq LIMIT $limit`, {
      ...binds,
      since: opts.since,
    })
  }
  // A copy: LiveStore hands back its cached result array, so reversing it in place flipped the
  // order of the next identical call (found by test/hardening-input.test.ts comparing two reads).
  return [
    ...select<ActivityEntry>(ctx, `SELECT * FROM activity WHERE seq < $before AND ${filters} ORDER BY seq DESC LIMIT $limit`, {
      ...binds,
      before: opts.before ?? Number.MAX_SAFE_INTEGER,
    }),
  ].reverse()
}

/** The lowest `seq` the live store holds (any entry, unfiltered), or null when it holds none. */
export const activityFloor = (ctx: QueueContext): number | null => select<{ seq: number | null }>(ctx, 'SELECT min(seq) AS seq FROM activity')[0]?.seq ?? null
