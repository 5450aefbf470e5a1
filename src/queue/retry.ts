import { events } from '../../events/index.js'
import { InvalidTransition } from '../errors.js'
import type { QueueContext } from './context.js'
import { checkRetryDependencies } from './dependencies.js'
import { get, readTaskRow } from './read.js'
import type { Task } from './types.js'

/** A failed (dead-lettered) or cancelled task back to pending, with a fresh set of attempts (not while a dependency stays failed or cancelled). */
export const retry = async (ctx: QueueContext, taskId: string): Promise<Task> => {
  const row = readTaskRow(ctx, taskId)
  if (row.status !== 'failed' && row.status !== 'cancelled') {
    throw new InvalidTransition({ taskId, from: row.status, action: 'retry', allowedFrom: ['failed', 'cancelled'] })
  }
  checkRetryDependencies(ctx, row)
  await ctx.owned.group.submit([events.taskRetried({ taskId, at: ctx.now() })], [taskId])
  return get(ctx, taskId)
}
