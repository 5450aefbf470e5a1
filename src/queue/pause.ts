import { events } from '../../events/index.js'
import { ValidationError } from '../errors.js'
import type { QueueContext } from './context.js'
import { NAME_PATTERN } from './validateInput.js'

const checkName = (queue: string) => {
  if (typeof queue !== 'string' || !NAME_PATTERN.test(queue)) {
    throw new ValidationError({ field: 'queue', reason: `"${queue}" is not a queue name (1–128 letters, digits or _.:/-)` })
  }
}

/** Claims stop for the queue; running tasks finish. Idempotent. */
export const pause = async (ctx: QueueContext, queue: string): Promise<{ queue: string; paused: true }> => {
  checkName(queue)
  await ctx.owned.group.submit([events.queuePaused({ queue, at: ctx.now() })])
  return { queue, paused: true }
}

/** Claims resume for the queue. Idempotent. */
export const resume = async (ctx: QueueContext, queue: string): Promise<{ queue: string; paused: false }> => {
  checkName(queue)
  await ctx.owned.group.submit([events.queueResumed({ queue, at: ctx.now() })])
  return { queue, paused: false }
}
