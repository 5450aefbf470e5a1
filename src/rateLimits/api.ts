import type { QueueContext } from '../queue/context.js'
import { clearLimit, getLimit, listLimits, setLimit } from './commands.js'
import type { RateLimit, RateLimitInput, RateLimitScope, RateLimitTarget } from './types.js'

type Use = <T>(fn: (ctx: QueueContext) => T) => T
type UseAsync = <T>(fn: (ctx: QueueContext) => Promise<T>) => Promise<T>

/** `queue.limits`: at most `max` claims per `perMs` of a task type or a named queue, across all workers, enforced when the host claims. */
export const limitsOf = (use: Use, useAsync: UseAsync) => ({
  /** Creates or replaces the limit on a type (`'llm.call'`) or a queue (`{ queue: 'openai' }`). */
  set: (target: RateLimitTarget, limit: RateLimitInput): Promise<RateLimit> => useAsync((ctx) => setLimit(ctx, target, limit)),
  /** Lifts the limit and any `ctx.rateLimited` pause. */
  clear: (target: RateLimitTarget): Promise<{ scope: RateLimitScope; name: string; cleared: true }> => useAsync((ctx) => clearLimit(ctx, target)),
  get: async (target: RateLimitTarget): Promise<RateLimit> => use((ctx) => getLimit(ctx, target)),
  /** Every limit and pause in force, with its use of the current window. */
  list: async (): Promise<RateLimit[]> => use((ctx) => listLimits(ctx)),
})

export type RateLimits = ReturnType<typeof limitsOf>
