import { context, trace } from '@opentelemetry/api'
import { carrierOf, type TraceCarrier } from '../tracing/traceparent.js'

/**
 * `{ headers: { traceparent, tracestate? } }` for an enqueue request: the given context, else the
 * active span's (W3C, written by livequeue whatever propagator is registered, so the host's
 * enqueue span is the caller's child). `{}` when there is none: nothing is sent.
 */
export const traceHeaders = (given: TraceCarrier | undefined): { headers?: Record<string, string> } => {
  const active = given === undefined ? trace.getSpanContext(context.active()) : undefined
  const carrier = given ?? (active === undefined ? null : carrierOf(active))
  if (carrier === null) return {}
  return { headers: { traceparent: carrier.traceparent, ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}) } }
}
