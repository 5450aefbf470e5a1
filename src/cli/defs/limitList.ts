import type { RateLimit } from '../../shapes/rateLimit.js'
import { duration, table, when } from '../format.js'
import { queueOptionSpecs } from '../spec/common.js'
import type { QueueCommandDef } from './types.js'

/** "500 / 1m", or "-" for a row that is only a pause (a handler's `ctx.rateLimited`). */
export const limitText = (l: RateLimit): string => (l.max === null || l.perMs === null ? '-' : `${l.max} / ${duration(l.perMs)}`)

/** `livequeue limit list`: every rate limit and pause in force, with its use of the current window. */
export const limitListDef: QueueCommandDef<typeof queueOptionSpecs, {}, ReadonlyArray<RateLimit>> = {
  spec: { name: 'list', description: 'List rate limits and pauses with their use of the current window.', options: queueOptionSpecs, args: {} },
  run: (queue) => queue.limits.list(),
  human: (limits) => {
    if (limits.length === 0) return 'no rate limits'
    const now = Date.now()
    return table(
      ['SCOPE', 'NAME', 'MAX/PER', 'USED', 'PAUSED UNTIL', 'NEXT CLAIM'],
      limits.map((l) => [l.scope, l.name, limitText(l), l.max === null ? '-' : String(l.used), when(l.pausedUntil, now), when(l.nextClaimAt, now)]),
    )
  },
}
