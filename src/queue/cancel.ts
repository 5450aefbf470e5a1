import { events } from '../../events/index.js'
import { InvalidTransition } from '../errors.js'
import type { QueueContext } from './context.js'
import { get, readTaskRow } from './read.js'
import type { Task } from './types.js'

/**
 * A pending task is cancelled at once. A processing task gets `cancelRequested`: its worker's
 * signal is aborted and the task ends `cancelled` when the handler stops (or its lease passes).
 * A failed task (a dead letter) is discarded: it ends `cancelled`, so the dead-letter view is
 * where an operator either retries or dismisses what failed.
 */
export const cancel = async (ctx: QueueContext, taskId: string): Promise<Task> => {
  const row = readTaskRow(ctx, taskId)
  const at = ctx.now()
  if (row.status === 'pending' || row.status === 'failed') {
    await ctx.owned.group.submit([events.taskCancelled({ taskId, executionId: null, at })], [taskId])
  } else if (row.status === 'processing') {
    if (row.cancelRequested !== 1) await ctx.owned.group.submit([events.taskCancelRequested({ taskId, at })], [taskId])
  } else {
    throw new InvalidTransition({ taskId, from: row.status, action: 'cancel', allowedFrom: ['pending', 'processing', 'failed'] })
  }
  return get(ctx, taskId)
}

/** The worker's side of a cancel: the handler has stopped; the task ends `cancelled`. */
export const confirmCancelled = async (ctx: QueueContext, taskId: string, executionId: string): Promise<void> => {
  await ctx.owned.group.submit([events.taskCancelled({ taskId, executionId, at: ctx.now() })], [taskId])
}
