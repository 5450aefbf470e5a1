import { taskState$ } from '../../schema/queries.js'
import { WaitTimedOut } from '../errors.js'
import type { QueueContext } from './context.js'
import { get, readTaskRow } from './read.js'
import type { Task } from './types.js'
import { subscribeLive } from '../store/subscribeLive.js'

const TERMINAL = new Set(['completed', 'failed', 'cancelled'])

/**
 * Resolves with the task (and its executions) once it is completed, failed or cancelled.
 * Driven by a LiveStore subscription on the task's row: no polling. An aborted `signal` (the
 * HTTP client went away) rejects with its reason and drops the subscription at once.
 */
export const wait = (ctx: QueueContext, taskId: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Task> => {
  readTaskRow(ctx, taskId) // TaskNotFound at once for an unknown id
  return new Promise<Task>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined
    let settled = false
    let unsubscribe: (() => void) | undefined
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      if (timer) clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      // Unsubscribing from inside the subscription callback is deferred out of the update cycle.
      queueMicrotask(() => unsubscribe?.())
      fn()
    }
    const onAbort = () => finish(() => reject(opts.signal?.reason))
    if (opts.signal?.aborted) return onAbort()
    opts.signal?.addEventListener('abort', onAbort)
    if (opts.timeoutMs !== undefined) {
      timer = setTimeout(() => finish(() => reject(new WaitTimedOut({ taskId, timeoutMs: opts.timeoutMs as number }))), opts.timeoutMs)
    }
    unsubscribe = subscribeLive(ctx.owned, taskState$(taskId), (rows) => {
      const row = rows[0]
      if (row !== undefined && TERMINAL.has(row.status)) finish(() => resolve(get(ctx, taskId)))
    })
    if (settled) unsubscribe()
  })
}
