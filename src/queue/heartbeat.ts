import { events } from '../../events/index.js'
import { ValidationError } from '../errors.js'
import { clampTime, DEFAULT_LEASE_MS, MAX_LEASE_MS, MAX_PROGRESS_MESSAGE_CHARS, MIN_LEASE_MS } from '../limits.js'
import type { QueueContext } from './context.js'
import { lookupExecution, type Reporter } from './execution.js'
import type { ReportResult } from './types.js'

export type LeaseOptions = Reporter & { leaseMs?: number | undefined }

/** A lease length as a whole number of ms within 1 ms–24 h, or a ValidationError saying so. */
export const leaseMsOf = (leaseMs: unknown): number => {
  if (leaseMs === undefined) return DEFAULT_LEASE_MS
  if (typeof leaseMs !== 'number' || !Number.isInteger(leaseMs) || leaseMs < MIN_LEASE_MS || leaseMs > MAX_LEASE_MS) {
    throw new ValidationError({
      field: 'leaseMs',
      reason: `must be an integer number of ms from ${MIN_LEASE_MS} to ${MAX_LEASE_MS} (24 h); got ${String(leaseMs)}`,
    })
  }
  return leaseMs
}

/**
 * Extends the lease of a running execution. Tells the worker whether a cancel was requested.
 * With `opts.runnerId`, only the runner that claimed the execution may extend it (`NotClaimant`).
 * Writes nothing: the new deadline is kept in the host's memory (src/queue/leases.ts), so a
 * running task costs no commit between its claim and its report.
 */
export const heartbeat = async (ctx: QueueContext, executionId: string, opts: LeaseOptions = {}): Promise<ReportResult> => {
  const leaseMs = leaseMsOf(opts.leaseMs)
  const { holder } = lookupExecution(ctx, executionId, opts)
  if (holder === null) return { accepted: false, cancelRequested: false, leaseUntil: null }
  const leaseUntil = clampTime(ctx.now() + leaseMs)
  ctx.leases.extend(executionId, leaseUntil)
  return { accepted: true, cancelRequested: holder.cancelRequested === 1, leaseUntil }
}

/** Records progress (a fraction 0..1 and a message) and extends the lease. */
export const progress = async (
  ctx: QueueContext,
  executionId: string,
  fraction: number,
  message?: string | null,
  opts: LeaseOptions = {},
): Promise<ReportResult> => {
  if (typeof fraction !== 'number' || !Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    throw new ValidationError({ field: 'progress', reason: `must be a fraction from 0 to 1; got ${fraction}` })
  }
  if (message !== undefined && message !== null && (typeof message !== 'string' || message.length > MAX_PROGRESS_MESSAGE_CHARS)) {
    throw new ValidationError({ field: 'message', reason: `must be a string of at most ${MAX_PROGRESS_MESSAGE_CHARS} characters` })
  }
  const leaseMs = leaseMsOf(opts.leaseMs)
  const { taskId, holder } = lookupExecution(ctx, executionId, opts)
  if (holder === null) return { accepted: false, cancelRequested: false, leaseUntil: null }
  const at = ctx.now()
  const leaseUntil = clampTime(at + leaseMs)
  ctx.leases.extend(executionId, leaseUntil)
  await ctx.owned.group.submit([events.taskProgress({ taskId, executionId, at, leaseUntil, progress: fraction, message: message ?? null })], [taskId])
  return { accepted: true, cancelRequested: holder.cancelRequested === 1, leaseUntil }
}
