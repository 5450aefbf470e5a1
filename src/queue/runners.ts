import * as os from 'node:os'
import { events } from '../../events/index.js'
import type { RunnerRow } from '../../schema/runners.js'
import type { Runner } from '../shapes/runner.js'
import { ValidationError } from '../errors.js'
import { type QueueContext, select } from './context.js'

export type { Runner }
export type RunnerInfo = { runnerId: string; types: ReadonlyArray<string>; concurrency: number; host?: string; pid?: number }

/** The worker registry, most recently seen first. */
export const runners = (ctx: QueueContext): Runner[] => {
  ctx.owned.group.flush()
  return select<RunnerRow>(ctx, 'SELECT * FROM runners ORDER BY lastSeenAt DESC, id').map((r) => ({ ...r, types: JSON.parse(r.types) }))
}

const checkId = (runnerId: string) => {
  if (typeof runnerId !== 'string' || runnerId.length === 0 || runnerId.length > 200) {
    throw new ValidationError({ field: 'runnerId', reason: 'must be a string of 1–200 characters' })
  }
}

/** A worker runtime came up (`host` and `pid` default to this process's). */
export const runnerStarted = async (ctx: QueueContext, info: RunnerInfo): Promise<void> => {
  checkId(info?.runnerId)
  if (!Array.isArray(info.types) || info.types.length > 10_000 || !info.types.every((t) => typeof t === 'string' && t.length <= 128)) {
    throw new ValidationError({ field: 'types', reason: 'must be an array of at most 10000 task types of at most 128 characters' })
  }
  if (!(Number.isSafeInteger(info.concurrency) && info.concurrency >= 1)) {
    throw new ValidationError({ field: 'concurrency', reason: `must be an integer from 1 to ${Number.MAX_SAFE_INTEGER}` })
  }
  if (info.pid !== undefined && !(Number.isSafeInteger(info.pid) && info.pid >= 0)) {
    throw new ValidationError({ field: 'pid', reason: `must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}` })
  }
  if (info.host !== undefined && (typeof info.host !== 'string' || info.host.length > 256)) {
    throw new ValidationError({ field: 'host', reason: 'must be a string of at most 256 characters' })
  }
  await ctx.owned.group.submit([
    events.runnerStarted({
      runnerId: info.runnerId,
      host: info.host ?? os.hostname(),
      pid: info.pid ?? process.pid,
      types: [...info.types],
      concurrency: info.concurrency,
      at: ctx.now(),
    }),
  ])
}

/** A worker runtime is alive. Infrequent on purpose: events are kept forever. */
export const runnerHeartbeat = async (ctx: QueueContext, runnerId: string): Promise<void> => {
  checkId(runnerId)
  await ctx.owned.group.submit([events.runnerHeartbeat({ runnerId, at: ctx.now() })])
}

export const runnerStopped = async (ctx: QueueContext, runnerId: string): Promise<void> => {
  checkId(runnerId)
  await ctx.owned.group.submit([events.runnerStopped({ runnerId, at: ctx.now() })])
}
