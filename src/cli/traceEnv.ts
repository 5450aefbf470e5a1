import type { EnqueueOptions } from '../client/QueueApi.js'

/**
 * `$TRACEPARENT` / `$TRACESTATE` (the environment-variable carrier OpenTelemetry uses for
 * processes): `livequeue enqueue` run from a traced script enqueues as that span's child. A
 * malformed value is ignored, as W3C asks of any receiver.
 */
export const traceFromEnv = (env: NodeJS.ProcessEnv = process.env): EnqueueOptions => {
  const traceparent = env.TRACEPARENT
  if (!traceparent) return {}
  return { trace: env.TRACESTATE ? { traceparent, tracestate: env.TRACESTATE } : { traceparent } }
}
