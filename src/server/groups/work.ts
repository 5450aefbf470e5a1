import { HttpApiBuilder } from '@effect/platform'
import { fromLibraryError } from '../errors.js'
import { Api } from '../api.js'
import { OK, respond, type ServerDeps } from '../context.js'
import { traceOf } from '../traceContext.js'

/** The worker's routes: claims (long-poll), reports on executions, escalation and the runner registry. */
export const workLive = (deps: ServerDeps) => {
  const { queue, metrics } = deps
  return HttpApiBuilder.group(Api, 'work', (handlers) =>
    handlers
      .handle('claim', ({ payload: { waitMs, ...opts } }) =>
        respond(deps, async (signal) => {
          const claims = await deps.waiters.claim(opts, waitMs ?? 0, signal)
          for (const c of claims) metrics.claimed(c.task)
          return { claims }
        }),
      )
      // Every report names its runner, checked against the claim: another runner's is refused (NotClaimant, 409).
      .handle('heartbeat', ({ path, payload }) => respond(deps, () => queue.heartbeat(path.id, payload)))
      .handle('progress', ({ path, payload: { fraction, message, ...opts } }) => respond(deps, () => queue.progress(path.id, fraction, message, opts)))
      .handle('complete', ({ path, payload }) =>
        respond(deps, async () => {
          const result = await queue.complete(path.id, payload.result, { runnerId: payload.runnerId })
          if (result.accepted) metrics.completed()
          return result
        }),
      )
      .handle('completeMany', ({ payload }) =>
        respond(deps, async () => {
          // All started in this turn, the claim last, so the group commit puts them in one commit
          // and the claim sees the completions (a worker's round: one request, one commit).
          const completing = Promise.allSettled(payload.completions.map((c) => queue.complete(c.executionId, c.result, { runnerId: c.runnerId })))
          const claiming = payload.claim ? queue.claim(payload.claim) : null
          const results = (await completing).map((s) => {
            if (s.status === 'rejected') return { error: fromLibraryError(s.reason).error }
            if (s.value.accepted) metrics.completed()
            return s.value
          })
          if (claiming === null) return { results }
          const claims = await claiming
          for (const c of claims) metrics.claimed(c.task)
          return { results, claims }
        }),
      )
      .handle('fail', ({ path, payload: { error, ...opts } }) =>
        respond(deps, async () => {
          const result = await queue.fail(path.id, error, opts)
          if (result.accepted) metrics.failed()
          return result
        }),
      )
      .handle('appendLogs', ({ payload: { lines, runnerId } }) => respond(deps, () => queue.appendLogs(lines, { runnerId })))
      .handle('saveCheckpoint', ({ path, payload: { data, runnerId } }) => respond(deps, () => queue.saveCheckpoint(path.id, data, { runnerId })))
      .handle('cancelled', ({ path }) =>
        respond(deps, async () => {
          await queue.confirmCancelled(queue.taskOfExecution(path.id), path.id)
          return OK
        }),
      )
      .handle('escalate', ({ path, payload, request }) => {
        const trace = traceOf(request)
        return respond(deps, () => queue.escalate({ ...payload, taskId: path.id }, trace === undefined ? {} : { trace }))
      })
      .handle('runnerStarted', ({ payload }) => respond(deps, () => queue.runnerStarted(payload).then(() => OK)))
      .handle('runnerHeartbeat', ({ path }) => respond(deps, () => queue.runnerHeartbeat(path.id).then(() => OK)))
      .handle('runnerStopped', ({ path }) => respond(deps, () => queue.runnerStopped(path.id).then(() => OK)))
      .handle('runnerBreaker', ({ path, payload }) => respond(deps, () => queue.recordBreaker({ ...payload, runnerId: path.id }).then(() => OK))),
  )
}
