import { State } from '@livestore/livestore'
import { RateLimitScope } from '../src/shapes/rateLimit.js'

export { RateLimitScope }

/**
 * Rate limits and rate-limit pauses, one row per (scope, name). `max` claims per `perMs` across
 * all workers (null: no limit, only a pause); `pausedUntil`: no claim before then (a handler's
 * `ctx.rateLimited(ms)` after a provider's 429; 0: not paused). The claim materializer enforces
 * both (schema/eligible.ts).
 */
export const rateLimits = State.SQLite.table({
  name: 'rateLimits',
  columns: {
    scope: State.SQLite.text({ schema: RateLimitScope }),
    name: State.SQLite.text(),
    max: State.SQLite.integer({ nullable: true }),
    perMs: State.SQLite.integer({ nullable: true }),
    pausedUntil: State.SQLite.integer({ default: 0 }),
    updatedAt: State.SQLite.integer(),
  },
  indexes: [{ name: 'rateLimits_pk', columns: ['scope', 'name'], isUnique: true }],
})
export type RateLimitRow = typeof rateLimits.Type

/**
 * The sliding window: one row per claim of a limited type or queue, written by the claim
 * materializer and deleted once it is older than the limit's `perMs`, so a key holds at most
 * `max` rows. (A fixed window, as BullMQ's limiter counts, would let 2 × max through around a
 * window's edge; this never lets more than `max` claims into any `perMs`.)
 */
export const rateLimitClaims = State.SQLite.table({
  name: 'rateLimitClaims',
  columns: {
    executionId: State.SQLite.text(),
    scope: State.SQLite.text({ schema: RateLimitScope }),
    name: State.SQLite.text(),
    at: State.SQLite.integer(),
  },
  indexes: [
    { name: 'rateLimitClaims_pk', columns: ['executionId', 'scope'], isUnique: true },
    { name: 'rateLimitClaims_window', columns: ['scope', 'name', 'at'] },
  ],
})
export type RateLimitClaimRow = typeof rateLimitClaims.Type
