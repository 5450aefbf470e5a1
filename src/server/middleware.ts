import { FileSystem, HttpApiBuilder, HttpIncomingMessage, HttpServerRequest, type HttpServerResponse } from '@effect/platform'
import { Effect, Option } from 'effect'
import { tooLarge } from './bodyLimit.js'
import type { ServerDeps } from './context.js'
import { ApiError, apiError, badInput, errorResponse, fromDecodeError, fromLibraryError } from './errors.js'

/** The largest request body. (Default: 2 MiB: a 1 MiB payload cap plus room for the rest of a batch) */
export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024

/** Routes that still answer while the host stops: probes must see it going down. */
const ALWAYS = new Set(['/healthz', '/readyz'])

const tag = (value: unknown): string | undefined => {
  const t = (value as { _tag?: unknown } | null)?._tag
  return typeof t === 'string' ? t : undefined
}

/** A failure from the router, a decoder, a middleware or a handler → our `{ error }` answer. */
const failureResponse = (error: unknown): HttpServerResponse.HttpServerResponse => {
  if (error instanceof ApiError) return errorResponse(error)
  switch (tag(error)) {
    case 'HttpApiDecodeError':
      return errorResponse(fromDecodeError(error as Parameters<typeof fromDecodeError>[0]))
    case 'RouteNotFound': {
      const request = (error as { request: HttpServerRequest.HttpServerRequest }).request
      const route = `${request.method} ${request.url.split('?')[0]}`
      return errorResponse(apiError(404, 'RouteNotFound', `no route ${route} (see /api/docs)`, { route }))
    }
    default:
      return errorResponse(fromLibraryError(error))
  }
}

/**
 * HttpApi reads JSON bodies with `orDie`, so malformed JSON arrives here as a defect (a
 * `RequestError`); it is the client's mistake, never a 500. An over-long body is refused before
 * this (bodyLimit.ts); the platform's own cap below stays as a backstop.
 */
const defectResponse =
  (max: number) =>
  (defect: unknown): HttpServerResponse.HttpServerResponse => {
    if (tag(defect) === 'RequestError') {
      const cause = (defect as { cause?: { message?: unknown } }).cause
      if (cause?.message === 'maxBytes exceeded') return errorResponse(tooLarge(max))
      return errorResponse(badInput('body', `not valid JSON (${String(cause?.message ?? 'unreadable')})`))
    }
    return errorResponse(fromLibraryError(defect))
  }

/**
 * Bodies are JSON whatever the Content-Type says: `curl -d '{…}'` sends form encoding, and HttpApi
 * would otherwise decode the JSON text as one form field and answer a puzzling 400.
 */
const asJson = (request: HttpServerRequest.HttpServerRequest): HttpServerRequest.HttpServerRequest =>
  request.headers['content-type']?.includes('json') ? request : request.modify({ headers: { ...request.headers, 'content-type': 'application/json' } })

/**
 * Around every route: refuses new work while stopping (503), counts requests in flight for a
 * graceful stop, and turns every failure into the JSON error body. Bodies over the limit never
 * get here: BodyLimitServer (bodyLimit.ts) answers them 413 at the Node level.
 */
export const serverMiddleware = (deps: ServerDeps, maxBodyBytes: number) =>
  HttpApiBuilder.middleware((app) =>
    Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      if (deps.lifecycle.state === 'stopping' && !ALWAYS.has(request.url.split('?')[0] as string)) {
        return errorResponse(apiError(503, 'QueueClosed', 'the host is stopping; try again when it is back'))
      }
      const leave = deps.lifecycle.enter()
      return yield* app.pipe(
        Effect.provideService(HttpServerRequest.HttpServerRequest, asJson(request)),
        Effect.provideService(HttpIncomingMessage.MaxBodySize, Option.some(FileSystem.Size(maxBodyBytes))),
        Effect.catchAll((error) => Effect.succeed(failureResponse(error))),
        Effect.catchAllDefect((defect) => Effect.succeed(defectResponse(maxBodyBytes)(defect))),
        Effect.ensuring(Effect.sync(leave)),
      )
    }),
  )
