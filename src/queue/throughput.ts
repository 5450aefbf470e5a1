import { ValidationError } from '../errors.js'
import type { Throughput } from '../shapes/throughput.js'
import { type QueueContext, select } from './context.js'

export type ThroughputOptions = {
  /** How far back. (Default: 60, at most 1440) */
  minutes?: number
}

export type { Throughput }

const MINUTE = 60_000

/**
 * What the dashboard's chart draws. Counted from the activity stream's `completed` and `failed`
 * entries (a failed attempt that will be retried counts as a failure: it is work that did not
 * succeed), through the `activity_at` index, so it reads only the window, never the history.
 */
export const throughput = (ctx: QueueContext, opts: ThroughputOptions = {}): Throughput => {
  const minutes = opts.minutes ?? 60
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
    throw new ValidationError({ field: 'minutes', reason: 'must be an integer 1–1440' })
  }
  ctx.owned.group.flush()
  const first = Math.floor(ctx.now() / MINUTE) * MINUTE - (minutes - 1) * MINUTE
  const rows = select<{ minute: number; completed: number; failed: number }>(
    ctx,
    `SELECT (at / ${MINUTE}) * ${MINUTE} AS minute, sum(kind = 'completed') AS completed, sum(kind = 'failed') AS failed
     FROM activity WHERE at >= $first AND kind IN ('completed', 'failed') GROUP BY minute`,
    { first },
  )
  const byMinute = new Map(rows.map((r) => [r.minute, r]))
  const buckets = Array.from({ length: minutes }, (_, i) => {
    const at = first + i * MINUTE
    const row = byMinute.get(at)
    return { at, completed: row?.completed ?? 0, failed: row?.failed ?? 0 }
  })
  return { bucketMs: MINUTE, buckets }
}
