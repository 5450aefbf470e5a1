import { type Context, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { ATTR, TRACER_NAME } from './attributes.js'
import { carrierOf, parseTraceparent, type TraceCarrier } from './traceparent.js'

/** What a task is enqueued as, for the span's name and attributes (after validation). */
type Enqueued = { id: string; type: string; queue: string }

/**
 * The parent of an enqueue span: the caller's context given explicitly (the HTTP host passes the
 * request's `traceparent` header; the CLI its `TRACEPARENT`), else the active context.
 */
export const parentContext = (given: TraceCarrier | undefined): Context => {
  const active = context.active()
  const remote = given === undefined ? null : parseTraceparent(given.traceparent, given.tracestate)
  return remote === null ? active : trace.setSpanContext(active, remote)
}

/**
 * The span of one `enqueue` / `enqueueMany` call (kind PRODUCER), and the trace context its
 * tasks carry. With no SDK registered the tracer is OpenTelemetry's no-op one: the span is a
 * non-recording span that carries its parent's context (so a caller's context still reaches the
 * workers) or none (then `carrier` is empty and nothing is stored). Attributes are only built for
 * a recording span.
 */
export class EnqueueSpan {
  private readonly span: Span
  /** `{ traceparent, tracestate? }` to store with each task, or `{}`. */
  readonly carrier: Partial<TraceCarrier>

  constructor(given: TraceCarrier | undefined) {
    this.span = trace.getTracer(TRACER_NAME).startSpan('enqueue', { kind: SpanKind.PRODUCER }, parentContext(given))
    this.carrier = carrierOf(this.span.spanContext()) ?? {}
  }

  /** The validated tasks are known: name the span after their type. */
  describe(tasks: ReadonlyArray<Enqueued>): void {
    if (!this.span.isRecording()) return
    const [first] = tasks
    const oneType = first !== undefined && tasks.every((t) => t.type === first.type)
    const oneQueue = first !== undefined && tasks.every((t) => t.queue === first.queue)
    if (oneType) this.span.updateName(`enqueue ${first.type}`)
    this.span.setAttributes({
      [ATTR.system]: 'livequeue',
      [ATTR.operationType]: 'send',
      [ATTR.operationName]: 'enqueue',
      ...(oneType ? { [ATTR.taskType]: first.type } : {}),
      ...(oneQueue ? { [ATTR.destination]: first.queue, [ATTR.taskQueue]: first.queue } : {}),
      ...(tasks.length === 1 && first ? { [ATTR.messageId]: first.id, [ATTR.taskId]: first.id } : { [ATTR.batchCount]: tasks.length }),
    })
  }

  /** The events are persisted (or every task was already there: `deduplicated`). */
  end(deduplicated: boolean): void {
    if (deduplicated && this.span.isRecording()) this.span.setAttribute(ATTR.deduplicated, true)
    this.span.end()
  }

  /** The enqueue was refused (bad input, a cycle, a full disk): recorded on the span, which ends. */
  fail(error: unknown): void {
    if (this.span.isRecording()) {
      this.span.recordException(error instanceof Error ? error : String(error))
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) })
      this.span.setAttribute(ATTR.errorType, errorType(error))
    }
    this.span.end()
  }
}

/** `ValidationError`, `TypeError`, …: a tagged error's tag, else its name. */
export const errorType = (error: unknown): string => {
  const e = error as { _tag?: unknown; name?: unknown } | null
  return typeof e?._tag === 'string' ? e._tag : typeof e?.name === 'string' ? e.name : typeof error
}
