import { HttpApiBuilder, type HttpServerRequest } from '@effect/platform'
import { Effect } from 'effect'
import type { Principal } from '../../auth/roles.js'
import type { Task } from '../../queue/types.js'
import { Api } from '../api.js'
import { CurrentPrincipal } from '../auth.js'
import { call, json, type ServerDeps } from '../context.js'
import { apiError } from '../errors.js'
import { traceOf } from '../traceContext.js'

/**
 * Tasks record the token name that enqueued them (with no tokens configured, nobody) and the
 * caller's trace context (the `traceparent` header).
 */
const by = (p: Principal, request: HttpServerRequest.HttpServerRequest) => {
  const trace = traceOf(request)
  return { ...(p.name === null ? {} : { createdBy: p.name }), ...(trace === undefined ? {} : { trace }) }
}

/** A producer may cancel or retry only what it enqueued; admins anything. Read first, so an unknown id is still a 404. */
const owned = (deps: ServerDeps, taskId: string, action: 'cancel' | 'retry') =>
  Effect.gen(function* () {
    const principal = yield* CurrentPrincipal
    if (principal.role !== 'producer') return
    const task = yield* call(deps, () => deps.queue.get(taskId))
    if (task.createdBy !== principal.name) {
      const reason = `producer "${principal.name}" may ${action} only tasks it enqueued; task ${taskId} was enqueued by ${task.createdBy === null ? 'no token' : `"${task.createdBy}"`}`
      return yield* Effect.fail(apiError(403, 'Forbidden', reason, { reason, role: principal.role }))
    }
  })

/** Enqueue (201; 200 with `deduplicated: true` when the idempotency key matched), cancel, retry. */
export const produceLive = (deps: ServerDeps) =>
  HttpApiBuilder.group(Api, 'produce', (handlers) =>
    handlers
      .handle('enqueue', ({ payload, request }) =>
        Effect.gen(function* () {
          const principal = yield* CurrentPrincipal
          const task: Task = yield* call(deps, () => deps.queue.enqueue(payload, by(principal, request)))
          return json(task, task.deduplicated ? 200 : 201)
        }),
      )
      .handle('enqueueBatch', ({ payload, request }) =>
        Effect.gen(function* () {
          const principal = yield* CurrentPrincipal
          const items = yield* call(deps, () => deps.queue.enqueueMany(payload.tasks, by(principal, request)))
          return json({ items }, 201)
        }),
      )
      .handle('cancel', ({ path }) =>
        Effect.zipRight(
          owned(deps, path.id, 'cancel'),
          Effect.map(
            call(deps, () => deps.queue.cancel(path.id)),
            (task) => json(task),
          ),
        ),
      )
      .handle('retry', ({ path }) =>
        Effect.zipRight(
          owned(deps, path.id, 'retry'),
          Effect.map(
            call(deps, () => deps.queue.retry(path.id)),
            (task) => json(task),
          ),
        ),
      ),
  )
