import { HttpApiSchema, HttpServerResponse } from '@effect/platform'
import { Data, Schema } from 'effect'

/**
 * Every error answer is `{ "error": { "_tag", "message", ...fields } }` (docs/http-api.md). The
 * library's tagged errors keep their tag and fields, so a client can rebuild the same class;
 * errors only HTTP has (`Unauthorized`, `Forbidden`, `RouteNotFound`) get tags of their own.
 * Input problems the HTTP layer finds itself (bad JSON, a wrong query parameter) are reported as
 * `ValidationError` with the `field`, like the library's own.
 */

export const ErrorDetail = Schema.Struct(
  { _tag: Schema.String, message: Schema.String },
  Schema.Record({ key: Schema.String, value: Schema.Unknown }),
).annotations({ identifier: 'ErrorDetail' })
export type ErrorDetail = typeof ErrorDetail.Type

const errorBody = (status: number, identifier: string, description: string) =>
  Schema.Struct({ error: ErrorDetail }).annotations({ ...HttpApiSchema.annotations({ status }), identifier, description })

export const BadRequest = errorBody(400, 'BadRequest', 'ValidationError (with `field`), malformed JSON, or a bad query parameter')
export const Unauthorized = errorBody(401, 'Unauthorized', 'No token, or an unknown or revoked one')
export const Forbidden = errorBody(403, 'Forbidden', "The token's role may not do this")
export const NotFound = errorBody(404, 'NotFound', 'TaskNotFound, ExecutionNotFound or ScheduleNotFound')
export const Conflict = errorBody(
  409,
  'Conflict',
  'InvalidTransition: the task is in a state the operation does not apply to; NotClaimant: a report on an execution another runner claimed',
)
export const PayloadTooLarge = errorBody(413, 'PayloadTooLarge', 'A payload or result over the cap, or a request body over the size limit')
export const Unprocessable = errorBody(422, 'Unprocessable', 'DependencyCycle')
export const RequestTimeout = errorBody(408, 'RequestTimeout', 'WaitTimedOut: the task did not finish within timeoutMs')
export const Unavailable = errorBody(
  503,
  'Unavailable',
  'QueueClosed: the host is stopping; StorageUnavailable: the store cannot take writes now (a full or failed disk); nothing of the request was written, retry later',
)

/** An answer that is an error: its status and body. Handlers fail with this and nothing else. */
export class ApiError extends Data.TaggedError('ApiError')<{ readonly status: number; readonly error: ErrorDetail }> {}

export const apiError = (status: number, tag: string, message: string, fields: Record<string, unknown> = {}): ApiError => {
  const { _tag: _, message: __, ...rest } = fields
  return new ApiError({ status, error: { _tag: tag, message, ...rest } })
}

/** A client input problem found by the HTTP layer, shaped like the library's `ValidationError`. */
export const badInput = (field: string, reason: string): ApiError => apiError(400, 'ValidationError', `invalid ${field}: ${reason}`, { field, reason })

const STATUS: Record<string, number> = {
  ValidationError: 400,
  TaskNotFound: 404,
  ExecutionNotFound: 404,
  ScheduleNotFound: 404,
  InvalidTransition: 409,
  NotClaimant: 409,
  DependencyCycle: 422,
  WaitTimedOut: 408,
  QueueClosed: 503,
  StoreLocked: 503,
  StorageUnavailable: 503,
  TokenError: 400,
}

/** The library says a payload or result is too big in the `reason` of its `ValidationError`. */
const OVER_CAP = /over the \d+-byte cap/

/** A thrown library error → its answer. Anything untagged is our fault: 500, and it is logged. */
export const fromLibraryError = (error: unknown): ApiError => {
  if (error instanceof ApiError) return error
  const tag = (error as { _tag?: unknown } | null)?._tag
  if (typeof tag !== 'string' || STATUS[tag] === undefined) {
    process.stderr.write(`livequeue: internal error answering a request: ${(error as Error)?.stack ?? String(error)}\n`)
    return apiError(500, 'InternalError', `internal error: ${(error as Error)?.message ?? String(error)}`)
  }
  const fields: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(error as object)) if (key !== 'stack' && key !== 'cause') fields[key] = value
  const message = (error as { message?: unknown }).message
  const status = tag === 'ValidationError' && OVER_CAP.test(String(fields.reason)) ? 413 : (STATUS[tag] as number)
  return apiError(status, tag, typeof message === 'string' ? message : tag, fields)
}

/** HttpApi's schema decode failure → 400 `ValidationError` naming the first offending field. */
export const fromDecodeError = (e: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>; message: string }) => {
  const [first] = e.issues
  const field = first && first.path.length > 0 ? first.path.map(String).join('.') : 'body'
  // Effect says `is unexpected, expected: "a" | "b"` for an unknown field; say it plainly.
  const unknown = first?.message.match(/^is unexpected, expected: (.*)$/)
  const reason = unknown ? `unknown field; expected one of ${unknown[1]?.replace(/"/g, '').split(' | ').join(', ')}` : (first?.message ?? e.message)
  return badInput(field, reason)
}

export const errorResponse = (e: ApiError): HttpServerResponse.HttpServerResponse => HttpServerResponse.unsafeJson({ error: e.error }, { status: e.status })
