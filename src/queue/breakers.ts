import { events } from '../../events/index.js'
import type { QueueContext } from './context.js'
import type { BreakerRow } from './types.js'

/** A worker reports its breaker for a type changed state: kept in `circuitBreakers` and the activity stream. */
export const recordBreaker = async (ctx: QueueContext, change: Omit<BreakerRow, 'changedAt'>): Promise<void> => {
  await ctx.owned.group.submit([events.circuitBreakerChanged({ ...change, at: ctx.now() })])
}
