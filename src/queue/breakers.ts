import { events } from '../../events/index.js'
import { ValidationError } from '../errors.js'
import { boundedTime, MAX_RUNNER_ID_CHARS } from '../limits.js'
import type { QueueContext } from './context.js'
import type { BreakerRow } from './types.js'
import { NAME_PATTERN } from './validateInput.js'

const STATES: ReadonlyArray<string> = ['closed', 'open', 'halfOpen']

/** The change as the event takes it, or a ValidationError (reopensAt becomes an INTEGER column: ≤ 9999-12-31). */
const checked = (change: Omit<BreakerRow, 'changedAt'>): Omit<BreakerRow, 'changedAt'> => {
  const bad = (field: string, reason: string) => new ValidationError({ field, reason })
  if (typeof change?.runnerId !== 'string' || change.runnerId.length === 0 || change.runnerId.length > MAX_RUNNER_ID_CHARS) {
    throw bad('runnerId', `must be a string of 1–${MAX_RUNNER_ID_CHARS} characters`)
  }
  if (typeof change.type !== 'string' || !NAME_PATTERN.test(change.type)) throw bad('type', 'must be a task type (1–128 letters, digits or _.:/-)')
  if (!STATES.includes(change.state)) throw bad('state', `must be ${STATES.join(', ')}`)
  const n = change.consecutiveFailures
  if (!(Number.isSafeInteger(n) && n >= 0)) throw bad('consecutiveFailures', `must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}`)
  const reopensAt = change.reopensAt === null ? null : boundedTime(change.reopensAt, 'reopensAt')
  return { runnerId: change.runnerId, type: change.type, state: change.state, consecutiveFailures: n, reopensAt }
}

/** A worker reports its breaker for a type changed state: kept in `circuitBreakers` and the activity stream. */
export const recordBreaker = async (ctx: QueueContext, change: Omit<BreakerRow, 'changedAt'>): Promise<void> => {
  await ctx.owned.group.submit([events.circuitBreakerChanged({ ...checked(change), at: ctx.now() })])
}
