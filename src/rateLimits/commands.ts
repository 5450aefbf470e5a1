import { events } from '../../events/index.js'
import { LIMITS_NOW_SQL } from '../../schema/eligible.js'
import { ValidationError } from '../errors.js'
import { MAX_RATE_LIMIT_MAX, MAX_RATE_LIMIT_WINDOW_MS } from '../limits.js'
import { type QueueContext, select } from '../queue/context.js'
import { NAME_PATTERN } from '../queue/validateInput.js'
import { noLimit, scopeAndName } from './target.js'
import type { RateLimit, RateLimitInput, RateLimitScope, RateLimitTarget } from './types.js'

/** The scope and name a target names, or a ValidationError. */
export const targetOf = (target: RateLimitTarget): { scope: RateLimitScope; name: string } => {
  const { scope, name } = scopeAndName(target)
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new ValidationError({ field: scope, reason: `"${String(name)}" is not a ${scope} name (1–128 letters, digits or _.:/-)` })
  }
  return { scope, name }
}

const checkedLimit = (limit: RateLimitInput): RateLimitInput => {
  const { max, perMs } = limit ?? ({} as Partial<RateLimitInput>)
  if (!(Number.isInteger(max) && (max as number) >= 1 && (max as number) <= MAX_RATE_LIMIT_MAX)) {
    throw new ValidationError({ field: 'max', reason: `must be an integer from 1 to ${MAX_RATE_LIMIT_MAX}; got ${String(max)}` })
  }
  if (!(Number.isInteger(perMs) && (perMs as number) >= 1 && (perMs as number) <= MAX_RATE_LIMIT_WINDOW_MS)) {
    throw new ValidationError({ field: 'perMs', reason: `must be a whole number of ms from 1 to ${MAX_RATE_LIMIT_WINDOW_MS} (30 days); got ${String(perMs)}` })
  }
  return { max: max as number, perMs: perMs as number }
}

type LimitRow = { scope: RateLimitScope; name: string; max: number | null; perMs: number | null; pausedUntil: number; updatedAt: number }

/**
 * Every limit and pause row with its use of the current window. A pause that has run out reads
 * as not paused; a row left with neither limit nor pause in force is not listed.
 */
const LIST_SQL = `SELECT r.*, f.remaining,
    (SELECT count(*) FROM rateLimitClaims c WHERE c.scope = r.scope AND c.name = r.name AND c.at > $now - r.perMs) AS used,
    (SELECT min(c.at) FROM rateLimitClaims c WHERE c.scope = r.scope AND c.name = r.name AND c.at > $now - r.perMs) AS oldestClaimAt
  FROM rateLimits r JOIN (${LIMITS_NOW_SQL}) f ON f.scope = r.scope AND f.name = r.name
  WHERE r.max IS NOT NULL OR r.pausedUntil > $now
  ORDER BY r.scope DESC, r.name`

const toLimit = (row: LimitRow & { remaining: number; used: number; oldestClaimAt: number | null }, now: number): RateLimit => {
  const paused = row.pausedUntil > now ? row.pausedUntil : null
  const windowFree = row.max !== null && row.perMs !== null && row.used >= row.max && row.oldestClaimAt !== null ? row.oldestClaimAt + row.perMs : null
  const nextClaimAt = row.remaining === 0 ? Math.max(paused ?? 0, windowFree ?? 0) : null
  return {
    scope: row.scope,
    name: row.name,
    max: row.max,
    perMs: row.perMs,
    pausedUntil: paused,
    used: row.perMs === null ? 0 : row.used,
    nextClaimAt,
    updatedAt: row.updatedAt,
  }
}

export const listLimits = (ctx: QueueContext): RateLimit[] => {
  const now = ctx.now()
  return select<LimitRow & { remaining: number; used: number; oldestClaimAt: number | null }>(ctx, LIST_SQL, { now }).map((r) => toLimit(r, now))
}

/** The limit on `target`, or a stand-in with no limit and no pause when there is none. */
export const getLimit = (ctx: QueueContext, target: RateLimitTarget): RateLimit => {
  const { scope, name } = targetOf(target)
  return listLimits(ctx).find((l) => l.scope === scope && l.name === name) ?? noLimit(scope, name)
}

/** Creates or replaces the limit; a pause in force stays. Takes effect at the next claim. */
export const setLimit = async (ctx: QueueContext, target: RateLimitTarget, limit: RateLimitInput): Promise<RateLimit> => {
  const { scope, name } = targetOf(target)
  const { max, perMs } = checkedLimit(limit)
  await ctx.owned.group.submit([events.rateLimitSet({ scope, name, max, perMs, at: ctx.now() })])
  return getLimit(ctx, { [scope]: name } as RateLimitTarget)
}

/** Lifts the limit and any pause. Idempotent. */
export const clearLimit = async (ctx: QueueContext, target: RateLimitTarget): Promise<{ scope: RateLimitScope; name: string; cleared: true }> => {
  const { scope, name } = targetOf(target)
  await ctx.owned.group.submit([events.rateLimitCleared({ scope, name, at: ctx.now() })])
  return { scope, name, cleared: true }
}
