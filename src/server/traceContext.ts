import type { HttpServerRequest } from '@effect/platform'
import type { TraceCarrier } from '../tracing/traceparent.js'

/**
 * The caller's W3C trace context from an enqueue request's `traceparent` / `tracestate` headers,
 * passed to the queue as is: the queue parses it (a malformed one is ignored, as W3C asks, and
 * the enqueue goes on in a new trace), so the host's enqueue span is the caller's child.
 */
export const traceOf = (request: HttpServerRequest.HttpServerRequest): TraceCarrier | undefined => {
  const traceparent = request.headers.traceparent
  if (traceparent === undefined) return undefined
  const tracestate = request.headers.tracestate
  return tracestate === undefined ? { traceparent } : { traceparent, tracestate }
}
