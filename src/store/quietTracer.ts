/**
 * The OpenTelemetry tracer livequeue hands to LiveStore (its internal spans: commits, queries,
 * materializers; never exported, unlike livequeue's own task spans in src/tracing).
 *
 * Without one, LiveStore 0.4.0 uses its `NoopTracer` (`@livestore/utils`), whose
 * `span.spanContext()` makes two new `cuid()` ids on every call, and each `cuid()` calls
 * `os.hostname()` and `crypto.randomBytes`. Effect asks for the context of every span it opens,
 * so on a busy host that was 4–5 % of the process's CPU (bench/README.md, "Round 3"). This
 * tracer is the same no-op, with one fixed context. LiveStore reads `_duration` and
 * `_performanceStartTime` from its spans (query timings for the devtools), so the span keeps
 * that shape.
 */
import type { Context, Span, SpanContext, SpanOptions, Tracer } from '@opentelemetry/api'

/** One context for every span: nothing is exported, so nothing needs the ids to differ. */
const QUIET_CONTEXT: SpanContext = { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }

type QuietSpan = Span & { _performanceStartTime: number; _duration: [number, number] }

const quietSpan = (): QuietSpan => {
  const span = {
    _performanceStartTime: performance.now(),
    _duration: [0, 0] as [number, number],
    spanContext: () => QUIET_CONTEXT,
    setAttribute: () => span,
    setAttributes: () => span,
    addEvent: () => span,
    addLink: () => span,
    addLinks: () => span,
    setStatus: () => span,
    updateName: () => span,
    recordException: () => {},
    isRecording: () => false,
    end: () => {
      const ms = performance.now() - span._performanceStartTime
      // LiveStore's own no-op span stores [seconds, nanoseconds] the same way.
      span._duration = [ms / 1000, (ms % 1000) * 1_000_000]
    },
  }
  return span as QuietSpan
}

export const quietTracer: Tracer = {
  startSpan: (_name: string, _options?: SpanOptions, _context?: Context): Span => quietSpan(),
  startActiveSpan: (<F extends (span: Span) => unknown>(_name: string, ...args: unknown[]): ReturnType<F> => {
    const fn = args[args.length - 1] as F
    return fn(quietSpan()) as ReturnType<F>
  }) as Tracer['startActiveSpan'],
}
