import { createTraceState, isSpanContextValid, type SpanContext } from '@opentelemetry/api'
import { MAX_TRACESTATE_CHARS } from '../limits.js'

/**
 * A W3C trace context (https://www.w3.org/TR/trace-context/) as it travels with a task: in the
 * `v1.TaskQueued` event, the `workerTasks` row, the claim and the `traceparent` / `tracestate`
 * HTTP headers. livequeue writes and reads it itself rather than through the global propagator:
 * the task must carry W3C whatever propagator the app registered (none, B3, …), and a host with
 * no SDK at all must still pass a caller's context on to its workers.
 */
export type TraceCarrier = { traceparent: string; tracestate?: string }

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/

/** `00-<trace id>-<span id>-<flags>` for a valid span context, else null. */
export const carrierOf = (sc: SpanContext): TraceCarrier | null => {
  if (!isSpanContextValid(sc)) return null
  const traceparent = `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`
  const tracestate = sc.traceState?.serialize()
  return tracestate && tracestate.length <= MAX_TRACESTATE_CHARS ? { traceparent, tracestate } : { traceparent }
}

/**
 * The remote span context a `traceparent` (and `tracestate`) names, or null when it is missing
 * or malformed: W3C says a receiver ignores a bad header and starts a new trace, so bad input is
 * never an error here. Version `ff` is invalid; a later version may carry more fields after a `-`.
 */
export const parseTraceparent = (traceparent: unknown, tracestate?: unknown): SpanContext | null => {
  if (typeof traceparent !== 'string' || traceparent.length > 512) return null
  const m = TRACEPARENT.exec(traceparent.trim())
  if (!m) return null
  const [, version, traceId, spanId, flags, rest] = m as unknown as [string, string, string, string, string, string | undefined]
  if (version === 'ff' || (version === '00' && rest !== undefined)) return null
  const sc: SpanContext = { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & 0x01, isRemote: true }
  if (!isSpanContextValid(sc)) return null
  if (typeof tracestate === 'string' && tracestate.length > 0 && tracestate.length <= MAX_TRACESTATE_CHARS) sc.traceState = createTraceState(tracestate)
  return sc
}

/** The trace id of a stored `traceparent` (what a trace backend searches by), or null. */
export const traceIdOf = (traceparent: string | null | undefined): string | null => parseTraceparent(traceparent)?.traceId ?? null
