import * as Schema from 'effect/Schema'

/** What a rate limit applies to: every task of a type, or every task in a named queue. */
export const RateLimitScope = Schema.Literal('type', 'queue')
export type RateLimitScope = typeof RateLimitScope.Type

/** A rate limit as it stands now: the one definition, for the library and the HTTP API. */
export const RateLimit = Schema.Struct({
  scope: RateLimitScope,
  name: Schema.String,
  max: Schema.NullOr(Schema.Number).annotations({ description: 'claims allowed per window; null: no limit, only a pause (after ctx.rateLimited)' }),
  perMs: Schema.NullOr(Schema.Number),
  pausedUntil: Schema.NullOr(Schema.Number).annotations({ description: "no claim before this time (a handler's ctx.rateLimited(ms)); null: not paused" }),
  used: Schema.Number.annotations({ description: 'claims in the current window (the last perMs)' }),
  nextClaimAt: Schema.NullOr(Schema.Number).annotations({
    description: 'when a claim is possible again, while none is (window used up or paused); null otherwise',
  }),
  updatedAt: Schema.Number,
}).annotations({ identifier: 'RateLimit' })
export type RateLimit = typeof RateLimit.Type
