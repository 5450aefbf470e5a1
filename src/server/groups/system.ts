import { HttpApiBuilder, HttpServerResponse } from '@effect/platform'
import { Effect } from 'effect'
import { Api } from '../api.js'
import { call, json, type ServerDeps } from '../context.js'

/** /healthz (the process answers), /readyz (the host is up, not stopping, and its store takes writes), /metrics. */
export const systemLive = (deps: ServerDeps) =>
  HttpApiBuilder.group(Api, 'system', (handlers) =>
    handlers
      .handle('healthz', () => Effect.succeed(json({ ok: true })))
      .handle('readyz', () => {
        const state = deps.lifecycle.state
        const storage = deps.queue.writeHealth
        if (state === 'ready' && storage.state !== 'ok') {
          // A load balancer should send writes elsewhere while the disk is full or the store reopens.
          return Effect.succeed(
            json(
              {
                ready: false,
                state: `storage ${storage.state}`,
                error: { _tag: 'StorageUnavailable', message: storage.error.message, reason: storage.error.reason },
              },
              503,
            ),
          )
        }
        return Effect.succeed(
          state === 'ready' ? json({ ready: true }) : json({ ready: false, state, error: { _tag: 'NotReady', message: `the host is ${state}` } }, 503),
        )
      }),
  )

export const metricsLive = (deps: ServerDeps) =>
  HttpApiBuilder.group(Api, 'metrics', (handlers) =>
    handlers.handle('metrics', () =>
      Effect.map(
        call(deps, () => deps.queue.stats()),
        (stats) =>
          HttpServerResponse.text(deps.metrics.render(stats, deps.queue.owned.commitTotals), { contentType: 'text/plain; version=0.0.4; charset=utf-8' }),
      ),
    ),
  )
