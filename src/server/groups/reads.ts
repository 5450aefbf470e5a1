import { HttpApiBuilder } from '@effect/platform'
import { Effect } from 'effect'
import { Api } from '../api.js'
import { CurrentPrincipal } from '../auth.js'
import { json, respond, type ServerDeps } from '../context.js'
import { QueryTimedOut } from '../../query/errors.js'
import { apiError, badInput } from '../errors.js'
import { activityStream, resumeFrom } from '../sse.js'

/** How long GET /api/tasks/{id}/wait waits without `timeoutMs`. (Default: 30 s) */
export const DEFAULT_WAIT_MS = 30_000

/** Reads: every role. */
export const readsLive = (deps: ServerDeps) =>
  HttpApiBuilder.group(Api, 'reads', (handlers) =>
    handlers
      .handle('listTasks', ({ urlParams }) => respond(deps, async () => deps.queue.list(urlParams)))
      .handle('getTask', ({ path }) => respond(deps, () => deps.queue.get(path.id)))
      .handle('waitTask', ({ path, urlParams }) =>
        respond(deps, (signal) => deps.queue.wait(path.id, { timeoutMs: urlParams.timeoutMs ?? DEFAULT_WAIT_MS, signal })),
      )
      .handle('taskLogs', ({ path, urlParams }) => respond(deps, (signal) => deps.queue.logs(path.id, urlParams, signal)))
      .handle('stats', () => respond(deps, () => deps.queue.stats()))
      .handle('activity', ({ urlParams }) => respond(deps, async () => ({ items: await deps.queue.activity(urlParams) })))
      .handle('activityStream', ({ urlParams, headers }) => {
        const { since: sinceParam, ...filters } = urlParams
        const since = resumeFrom(headers['last-event-id'], sinceParam)
        if (since === 'invalid') return Effect.fail(badInput('Last-Event-ID', 'must be the seq number of an activity entry'))
        return Effect.succeed(activityStream(deps, filters, since))
      })
      .handle('throughput', ({ urlParams }) => respond(deps, () => deps.queue.throughput(urlParams)))
      .handle('whoami', () => Effect.map(CurrentPrincipal, (principal) => json({ name: principal.name, role: principal.role, tokens: deps.tokensRequired() })))
      .handle('runners', () => respond(deps, async () => ({ items: await deps.queue.runners() })))
      .handle('query', ({ payload }) =>
        respond(deps, () =>
          deps.queue.query(payload.sql).catch((error: unknown) => {
            // The query endpoint's own error: 408 with its timeoutMs, as WaitTimedOut is.
            throw error instanceof QueryTimedOut ? apiError(408, error._tag, error.message, { timeoutMs: error.timeoutMs }) : error
          }),
        ),
      )
      .handle('listSchedules', () => respond(deps, async () => ({ items: await deps.queue.schedules.list() })))
      .handle('getSchedule', ({ path }) => respond(deps, () => deps.queue.schedules.get(path.name)))
      .handle('listLimits', () => respond(deps, async () => ({ items: await deps.queue.limits.list() }))),
  )
