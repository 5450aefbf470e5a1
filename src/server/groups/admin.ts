import { HttpApiBuilder } from '@effect/platform'
import { Api } from '../api.js'
import type { RateLimitTarget } from '../../rateLimits/types.js'
import type { ScheduleInput } from '../../scheduler/types.js'
import { respond, type ServerDeps } from '../context.js'

/** `olderThan` as the library takes it: an ISO time becomes a Date; a duration ("7d") or ms stays. */
const cutoff = (olderThan: string | number): string | number | Date =>
  typeof olderThan === 'string' && /^\d{4}-\d{2}-\d{2}/.test(olderThan) ? new Date(olderThan) : olderThan

/** Admin: prune, pause/resume a queue, requeue stuck tasks, manage schedules and rate limits. */
export const adminLive = (deps: ServerDeps) =>
  HttpApiBuilder.group(Api, 'admin', (handlers) =>
    handlers
      .handle('prune', ({ payload }) => respond(deps, () => deps.queue.prune({ olderThan: cutoff(payload.olderThan) })))
      .handle('pause', ({ path }) => respond(deps, () => deps.queue.pause(path.name)))
      .handle('resume', ({ path }) => respond(deps, () => deps.queue.resume(path.name)))
      .handle('requeueStuck', () => respond(deps, async () => ({ taskIds: await deps.queue.requeueStuck() })))
      .handle('setSchedule', ({ path, payload }) => respond(deps, () => deps.queue.schedules.set(path.name, payload as ScheduleInput)))
      .handle('removeSchedule', ({ path }) => respond(deps, () => deps.queue.schedules.remove(path.name)))
      .handle('pauseSchedule', ({ path }) => respond(deps, () => deps.queue.schedules.pause(path.name)))
      .handle('resumeSchedule', ({ path }) => respond(deps, () => deps.queue.schedules.resume(path.name)))
      .handle('setLimit', ({ path, payload }) => respond(deps, () => deps.queue.limits.set({ [path.scope]: path.name } as RateLimitTarget, payload)))
      .handle('clearLimit', ({ path }) => respond(deps, () => deps.queue.limits.clear({ [path.scope]: path.name } as RateLimitTarget))),
  )
