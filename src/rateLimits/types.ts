export { RateLimit, RateLimitScope } from '../shapes/rateLimit.js'

/** A task type by name, or `{ queue }` for a named queue (`{ type }` says the same as the bare name). */
export type RateLimitTarget = string | { type: string } | { queue: string }

/** At most `max` claims per `perMs`, across all workers. */
export type RateLimitInput = { max: number; perMs: number }
