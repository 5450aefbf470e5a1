import type { RateLimit, RateLimitScope, RateLimitTarget } from './types.js'

/** The scope and name a target names, unchecked (the host checks the name). Free of LiveStore and Effect, for the HTTP client. */
export const scopeAndName = (target: RateLimitTarget): { scope: RateLimitScope; name: unknown } =>
  typeof target === 'string'
    ? { scope: 'type', name: target }
    : target !== null && typeof target === 'object' && 'queue' in target
      ? { scope: 'queue', name: target.queue }
      : { scope: 'type', name: (target as { type?: unknown } | null)?.type }

/** What `limits.get` answers for a target with neither limit nor pause. */
export const noLimit = (scope: RateLimitScope, name: string): RateLimit => ({
  scope,
  name,
  max: null,
  perMs: null,
  pausedUntil: null,
  used: 0,
  nextClaimAt: null,
  updatedAt: 0,
})
