import { events } from '../../events/index.js'
import { ELIGIBLE_SQL, ELIGIBLE_WITH_LIMITS_SQL, eligibleSql } from '../../schema/eligible.js'
import type { WorkerTaskRow } from '../../schema/workerTasks.js'
import { ValidationError } from '../errors.js'
import { newId } from '../ids.js'
import { clampTime, DEFAULT_LEASE_MS, MAX_RUNNER_ID_CHARS } from '../limits.js'
import { type QueueContext, select } from './context.js'
import { leaseMsOf } from './heartbeat.js'
import { taskFromRow } from './rows.js'
import type { Claim } from './types.js'

export { DEFAULT_LEASE_MS }

export type ClaimOptions = {
  runnerId: string
  /** Only these task types. (Default: any) */
  types?: ReadonlyArray<string>
  /** Only these queues. (Default: any) */
  queues?: ReadonlyArray<string>
  /** At most this many tasks. (Default: 1) */
  limit?: number
  /** (Default: 120000) */
  leaseMs?: number
}

/** Re-exported for library users who read the ordering contract (it lives with the schema). */
export { ELIGIBLE_SQL, ELIGIBLE_WITH_LIMITS_SQL }

/** Whether any task is eligible now: a claim that would find nothing commits nothing. */
const anyEligible = (ctx: QueueContext, limits: boolean, opts: { now: number; types: string | null; queues: string | null }): boolean =>
  select<{ id: string }>(ctx, `SELECT id FROM (${eligibleSql(limits)})`, { ...opts, limit: 1 }).length > 0

/**
 * Whether the open group commit queues a task this claim could take: due, with no dependencies,
 * of its types and queues, in a queue not paused. Such a claim goes into the same commit, after
 * the enqueue, and its materializer takes the task there: one commit from enqueue to claim
 * instead of two back to back (bench/README.md, "Round 3").
 */
const openBatchOffers = (ctx: QueueContext, opts: ClaimOptions, now: number): boolean => {
  const candidates = ctx.owned.group
    .openQueued()
    .filter(
      (t) =>
        t.processAfter <= now &&
        t.dependsOn.length === 0 &&
        (opts.types === undefined || opts.types.includes(t.type)) &&
        (opts.queues === undefined || opts.queues.includes(t.queue)),
    )
  if (candidates.length === 0) return false
  const paused = new Set(select<{ name: string }>(ctx, 'SELECT name FROM queues WHERE paused = 1', {}).map((r) => r.name))
  return candidates.some((t) => !paused.has(t.queue))
}

/** Whether any rate limit or pause row exists: the claim then runs the query that applies them. */
const anyRateLimits = (ctx: QueueContext): boolean => select<{ one: number }>(ctx, 'SELECT 1 AS one FROM rateLimits LIMIT 1', {}).length > 0

/** The tasks a `NextTasksClaimed` event took, in claim order, with their executions. */
const CLAIMED_SQL = `SELECT t.*, x.id AS claimExecutionId, x.attempt AS claimAttempt
  FROM json_each($executionIds) e JOIN taskExecutions x ON x.id = e.value JOIN workerTasks t ON t.id = x.taskId
  ORDER BY e.key`

/**
 * Claims up to `limit` eligible tasks in the ordering contract's order (schema/eligible.ts) with
 * one `NextTasksClaimed` event; resolves once it is persisted, with the tasks it took (possibly
 * fewer than `limit`, or none). Two claims never take the same task: the events are applied one
 * after the other, and each takes only tasks still `pending`.
 */
export const claim = async (ctx: QueueContext, opts: ClaimOptions): Promise<Claim[]> => {
  const limit = opts.limit ?? 1
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new ValidationError({ field: 'limit', reason: 'must be an integer 1–1000' })
  }
  if (typeof opts.runnerId !== 'string' || opts.runnerId.length === 0 || opts.runnerId.length > MAX_RUNNER_ID_CHARS) {
    throw new ValidationError({ field: 'runnerId', reason: `must be a string of 1–${MAX_RUNNER_ID_CHARS} characters` })
  }
  for (const field of ['types', 'queues'] as const) {
    const list = opts[field]
    if (list !== undefined && !(Array.isArray(list) && list.every((x) => typeof x === 'string'))) {
      throw new ValidationError({ field, reason: 'must be an array of names' })
    }
  }
  const leaseMs = leaseMsOf(opts.leaseMs)
  const now = ctx.now()
  const filter = {
    types: opts.types ? JSON.stringify(opts.types) : null,
    queues: opts.queues ? JSON.stringify(opts.queues) : null,
  }
  // Read the state as the session has it, and what the open batch queues (a claimer woken by
  // `onQueuedSubmitted` rides the enqueue's commit). Under rate limits only committed tasks are
  // looked at: whether a limit lets a queued task through is for the materializer to say, and a
  // claim that takes nothing should commit nothing. Other changes in the open batch (a
  // dependency completed, a queue resumed) bring the claimer back through the signal their commit
  // raises.
  const limits = anyRateLimits(ctx)
  if (!anyEligible(ctx, limits, { now, ...filter }) && (limits || !openBatchOffers(ctx, opts, now))) return []
  const executionIds = Array.from({ length: limit }, () => newId())
  const leaseUntil = clampTime(now + leaseMs)
  // The event names no task: the materializer picks them when it is applied, after every event
  // ahead of it in the same commit. So a worker's completions and its next claim share one
  // commit, and a task those completions unblock is already claimable by it (the ordering
  // contract holds across the batch); claims from several claimers in one turn share it too.
  await ctx.owned.group.submit([
    events.nextTasksClaimed({
      runnerId: opts.runnerId,
      at: now,
      leaseUntil,
      executionIds,
      types: opts.types ? [...opts.types] : null,
      queues: opts.queues ? [...opts.queues] : null,
      ...(limits ? { limits } : {}),
    }),
  ])
  const rows = select<WorkerTaskRow & { claimExecutionId: string; claimAttempt: number }>(ctx, CLAIMED_SQL, { executionIds: JSON.stringify(executionIds) })
  return rows.map((row) => {
    const { claimExecutionId: executionId, claimAttempt: attempt, ...taskRow } = row
    const task = taskFromRow(taskRow)
    return {
      // As the claim left it: a cancel or a completion committed since is for the caller to learn.
      task: { ...task, status: 'processing', attempts: attempt, currentExecutionId: executionId, runnerId: opts.runnerId, leaseUntil, updatedAt: now },
      executionId,
      attempt,
      leaseUntil,
    }
  })
}
