import { type Context, context, isSpanContextValid, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { ATTR, type ExecutionOutcome, TRACER_NAME } from './attributes.js'
import { errorType } from './enqueueSpan.js'
import { parseTraceparent } from './traceparent.js'

/** What the span needs of a claimed task (structural: src/tracing imports nothing of the queue). */
type TracedTask = { id: string; type: string; queue: string; traceparent: string | null; tracestate: string | null }

/**
 * The span of one execution (kind CONSUMER), from the moment its handler is about to run to its
 * final report. Its parent is the trace context the task carries (the enqueue span), so a trace
 * shows the request that enqueued the task and every attempt at it; a task that carries none
 * starts a trace of its own. The handler runs inside the span's context (`run`), so spans the
 * handler starts (an LLM call, an HTTP request) are its children. With no SDK registered and no
 * trace context in the task, this is OpenTelemetry's no-op span and `run` calls the handler
 * directly: no context is made, no attribute built.
 */
export class ExecutionSpan {
  private readonly span: Span
  /** The context the handler runs in; null when there is nothing to propagate. */
  private readonly context: Context | null
  private ended = false

  constructor(task: TracedTask, ids: { executionId: string; attempt: number; runnerId: string }) {
    const remote = parseTraceparent(task.traceparent, task.tracestate)
    // Never the claim loop's active context: the parent is the enqueuer's, or none.
    const parent = remote === null ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, remote)
    this.span = trace.getTracer(TRACER_NAME).startSpan(`process ${task.type}`, { kind: SpanKind.CONSUMER }, parent)
    this.context = isSpanContextValid(this.span.spanContext()) ? trace.setSpan(parent, this.span) : null
    if (!this.span.isRecording()) return
    this.span.setAttributes({
      [ATTR.system]: 'livequeue',
      [ATTR.operationType]: 'process',
      [ATTR.operationName]: 'process',
      [ATTR.destination]: task.queue,
      [ATTR.messageId]: task.id,
      [ATTR.taskType]: task.type,
      [ATTR.taskQueue]: task.queue,
      [ATTR.taskId]: task.id,
      [ATTR.executionId]: ids.executionId,
      [ATTR.attempt]: ids.attempt,
      [ATTR.runnerId]: ids.runnerId,
    })
  }

  /** Runs `fn` (the handler) in the span's context. */
  run<T>(fn: () => T): T {
    return this.context === null ? fn() : context.with(this.context, fn)
  }

  /**
   * The final report is persisted: `outcome` says how the execution ended; `error`, what failed
   * it (recorded as an exception, status ERROR). An attempt that failed, timed out or lost its
   * lease is an error even when the task is retried; a cancel or an interrupted attempt is not.
   * Without an outcome (the report itself failed) the span ends in error. Ends once.
   */
  end(outcome: ExecutionOutcome | null, error?: unknown): void {
    if (this.ended) return
    this.ended = true
    if (this.span.isRecording()) {
      if (outcome !== null) this.span.setAttribute(ATTR.outcome, outcome)
      const failed = outcome === null || outcome === 'failed' || outcome === 'retried' || outcome === 'expired'
      if (error !== undefined && failed) {
        this.span.recordException(error instanceof Error ? error : String(error))
        this.span.setAttribute(ATTR.errorType, errorType(error))
      }
      if (failed) {
        const message =
          error instanceof Error
            ? error.message
            : outcome === 'expired'
              ? 'the lease expired: the queue ignored this execution'
              : String(error ?? 'the report failed')
        this.span.setStatus({ code: SpanStatusCode.ERROR, message })
      }
    }
    this.span.end()
  }
}
