import { events } from '../../events/index.js'
import { ValidationError } from '../errors.js'
import { DEFAULT_LEASE_MS } from './claim.js'
import type { QueueContext } from './context.js'
import { lookupExecution } from './execution.js'
import type { ReportResult } from './types.js'

/** Extends the lease of a running execution. Tells the worker whether a cancel was requested. */
export const heartbeat = async (ctx: QueueContext, executionId: string, opts: { leaseMs?: number } = {}): Promise<ReportResult> => {
  const { taskId, holder } = lookupExecution(ctx, executionId)
  if (holder === null) return { accepted: false, cancelRequested: false, leaseUntil: null }
  const at = ctx.now()
  const leaseUntil = at + (opts.leaseMs ?? DEFAULT_LEASE_MS)
  await ctx.owned.group.submit([events.taskHeartbeat({ taskId, executionId, at, leaseUntil })], [taskId])
  return { accepted: true, cancelRequested: holder.cancelRequested === 1, leaseUntil }
}

/** Records progress (a fraction 0..1 and a message) and extends the lease. */
export const progress = async (
  ctx: QueueContext,
  executionId: string,
  fraction: number,
  message?: string | null,
  opts: { leaseMs?: number } = {},
): Promise<ReportResult> => {
  if (typeof fraction !== 'number' || !Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    throw new ValidationError({ field: 'progress', reason: `must be a fraction from 0 to 1; got ${fraction}` })
  }
  if (message !== undefined && message !== null && (typeof message !== 'string' || message.length > 1000)) {
    throw new ValidationError({ field: 'message', reason: 'must be a string of at most 1000 characters' })
  }
  const { taskId, holder } = lookupExecution(ctx, executionId)
  if (holder === null) return { accepted: false, cancelRequested: false, leaseUntil: null }
  const at = ctx.now()
  const leaseUntil = at + (opts.leaseMs ?? DEFAULT_LEASE_MS)
  await ctx.owned.group.submit(
    [events.taskProgress({ taskId, executionId, at, leaseUntil, progress: fraction, message: message ?? null })],
    [taskId],
  )
  return { accepted: true, cancelRequested: holder.cancelRequested === 1, leaseUntil }
}
