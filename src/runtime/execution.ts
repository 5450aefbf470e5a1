import type { Claim, ReportResult, Task } from '../queue/types.js'
import type { WorkerBackend } from './backend.js'
import { type DependencyOutcome, readDependencies } from './dependencies.js'
import { type AbortReasonKind, abortKind, RateLimited, TaskAborted } from './errors.js'
import type { Heartbeats } from './heartbeats.js'
import type { Hooks, TaskHookEvent } from './hooks.js'
import type { LogBuffer } from './logBuffer.js'
import { ProgressThrottle } from './progressThrottle.js'
import { isRateLimited, type Outcome, report } from './report.js'
import type { EscalationRule, Handler, HandlerContext } from './types.js'
import { ExecutionSpan } from '../tracing/executionSpan.js'

export type Verdict = 'success' | 'failure' | 'neutral'

const MAX_TIMER_MS = 2_147_483_647

export type ExecutionDeps = {
  backend: WorkerBackend
  runnerId: string
  hooks: Hooks
  heartbeats: Heartbeats
  /** The worker's kept-log buffer (one batch for all its executions). */
  logs: LogBuffer
  leaseMs: number
  escalation: Record<string, EscalationRule> | undefined
  /** The attempt's verdict for the circuit breaker; given once, as soon as it is known. */
  onVerdict(type: string, verdict: Verdict): void
  onError(error: unknown, during: string): void
  /** This execution's completion was handed to the backend: its slot is as good as free. */
  onReportSubmitted?(): void
}

/**
 * One claimed task running in this worker: its handler, signal, timeout, heartbeats, progress
 * throttle, and its one final report. `run()` resolves when the handler has settled and the
 * report is persisted; that is when the worker frees the slot.
 */
export class Execution {
  readonly task: Task
  readonly executionId: string
  readonly attempt: number
  /** The checkpoint the claim carried (the task's last attempt saved it). */
  private readonly lastCheckpoint: unknown
  private readonly controller = new AbortController()
  private readonly progress: ProgressThrottle
  private readonly base: TaskHookEvent
  private readonly startedAt = Date.now()
  private timer: NodeJS.Timeout | null = null
  private settled = false
  /** The handler hit a rate limit: its slot stays taken until the pause is persisted, so this worker claims no task of the type before it. */
  private rateLimited = false
  private verdictGiven = false
  private final: Promise<void> | null = null
  /** Started with the execution, ended with its final report (src/tracing/executionSpan.ts). */
  private readonly span: ExecutionSpan

  constructor(
    claim: Claim,
    private readonly handler: Handler,
    private readonly d: ExecutionDeps,
  ) {
    this.task = claim.task
    this.executionId = claim.executionId
    this.attempt = claim.attempt
    this.lastCheckpoint = claim.checkpoint?.data
    d.logs.open(claim.executionId)
    this.base = { runnerId: d.runnerId, task: claim.task, executionId: claim.executionId, attempt: claim.attempt }
    this.span = new ExecutionSpan(claim.task, { executionId: claim.executionId, attempt: claim.attempt, runnerId: d.runnerId })
    this.progress = new ProgressThrottle((v) =>
      d.backend.progress(this.executionId, v.fraction, v.message, { leaseMs: d.leaseMs, runnerId: d.runnerId }).then(
        (r) => this.onReport(r),
        (error) => d.onError(error, 'progress'),
      ),
    )
  }

  async run(): Promise<void> {
    this.d.heartbeats.add(this.executionId, (r) => this.onReport(r))
    const timeoutMs = this.task.timeoutMs
    if (timeoutMs !== null && timeoutMs > 0) this.armTimeout(Date.now() + timeoutMs, timeoutMs)
    this.d.hooks.emit('task:start', this.base)
    let outcome: Outcome
    try {
      if (this.controller.signal.aborted) throw this.controller.signal.reason
      // In the span's context, so what the handler traces (and enqueues) nests under this execution.
      const result = await this.span.run(async () => {
        const dependencies = this.task.dependsOn.length === 0 ? [] : await readDependencies((id) => this.d.backend.queue.get(id), this.task)
        return this.handler(this.task, this.context(dependencies))
      })
      outcome = { kind: 'success', result }
    } catch (error) {
      outcome = { kind: 'error', error }
    }
    this.rateLimited = outcome.kind === 'error' && isRateLimited(outcome.error)
    this.settled = true
    if (this.timer !== null) clearTimeout(this.timer)
    const aborted = abortKind(this.controller.signal)
    // A rate-limited attempt says nothing about the handler's health: the breaker ignores it.
    this.verdict(
      aborted === null ? (outcome.kind === 'success' ? 'success' : this.rateLimited ? 'neutral' : 'failure') : aborted === 'timeout' ? 'failure' : 'neutral',
    )
    // A handler stopped by shutdown gives its attempt back (unless it finished the work anyway).
    if (outcome.kind === 'error' && aborted === 'shutdown') outcome = { kind: 'interrupted' }
    await this.finish(outcome)
    this.d.logs.close(this.executionId)
  }

  /** The handler has returned or thrown: what is left is the report, one round trip at most. */
  get reporting(): boolean {
    return this.settled && !this.rateLimited
  }

  /** The task was asked to cancel: abort the handler; the report confirms the cancel once it stops. */
  cancel(): void {
    if (!this.settled) this.abort('cancelled')
  }

  /** The execution no longer holds its task (the reaper expired it): stop heartbeating, tell the handler. */
  leaseLost(): void {
    this.d.heartbeats.remove(this.executionId)
    if (!this.settled) this.abort('leaseLost')
  }

  /**
   * Forced shutdown: abort the handler, give it one turn of the event loop to stop, then record
   * the attempt `interrupted` whether or not it stopped. Resolves once that is persisted.
   */
  async interrupt(): Promise<void> {
    this.abort('shutdown')
    await new Promise((resolve) => setImmediate(resolve))
    await this.finish({ kind: 'interrupted' })
  }

  private context(dependencies: ReadonlyArray<DependencyOutcome>): HandlerContext {
    return {
      task: this.task,
      executionId: this.executionId,
      attempt: this.attempt,
      signal: this.controller.signal,
      progress: (fraction, message) => this.progress.report(fraction, message),
      log: (message, fields) => {
        this.d.logs.log(this.executionId, message, fields)
        this.d.hooks.emit('task:log', { ...this.base, message, ...(fields === undefined ? {} : { fields }) })
      },
      saveCheckpoint: (data) => this.saveCheckpoint(data),
      lastCheckpoint: this.lastCheckpoint,
      queue: this.d.backend.queue,
      dependencies,
      rateLimited: (ms) => {
        throw new RateLimited(ms)
      },
    }
  }

  private async saveCheckpoint(data: unknown): Promise<void> {
    const { backend, runnerId } = this.d
    const answer = await backend.saveCheckpoint(this.executionId, data, { runnerId })
    this.onReport(answer)
    if (!answer.accepted) throw this.controller.signal.reason ?? new TaskAborted('leaseLost')
  }

  /** setTimeout fires at once for delays over ~24.8 days; longer limits re-arm until the deadline. */
  private armTimeout(deadline: number, ms: number): void {
    const left = deadline - Date.now()
    this.timer = setTimeout(() => (left > MAX_TIMER_MS ? this.armTimeout(deadline, ms) : this.timeout(ms)), Math.min(left, MAX_TIMER_MS))
  }

  private timeout(ms: number): void {
    this.timer = null
    if (this.settled) return
    const reason = new TaskAborted('timeout', `the task timed out after ${ms} ms`)
    if (!this.controller.signal.aborted) this.controller.abort(reason)
    this.verdict('failure')
    // Report now rather than when the handler stops: a handler that ignores its signal must not
    // hold the task (and keep heartbeating it) past its time limit. Its slot stays taken until it stops.
    void this.finish({ kind: 'timedOut', error: reason })
  }

  private onReport(r: ReportResult): void {
    if (!r.accepted) this.leaseLost()
    else if (r.cancelRequested) this.cancel()
  }

  private abort(kind: AbortReasonKind): void {
    if (!this.controller.signal.aborted) this.controller.abort(new TaskAborted(kind))
  }

  private verdict(v: Verdict): void {
    if (this.verdictGiven) return
    this.verdictGiven = true
    this.d.onVerdict(this.task.type, v)
  }

  /** The one final report; later calls get the same promise. */
  private finish(outcome: Outcome): Promise<void> {
    this.final ??= (async () => {
      this.d.heartbeats.remove(this.executionId)
      if (outcome.kind === 'interrupted') this.progress.dispose()
      else await this.progress.flush()
      const { backend, hooks, escalation } = this.d
      const cancelKnown = abortKind(this.controller.signal) === 'cancelled'
      // The buffered log lines go first, so they are never lost on a normal finish: in process
      // they join the group commit ahead of the report (one commit for both); over HTTP the
      // report waits for them (a reader told the task is done must find its lines).
      const logsSent = this.d.logs.flush()
      if (backend.kind === 'remote') await logsSent
      const onSubmitted = this.d.onReportSubmitted
      const inSpan = <T>(fn: () => T): T => this.span.run(fn)
      const deps = { backend, hooks, escalation, base: this.base, startedAt: this.startedAt, cancelKnown, inSpan, ...(onSubmitted ? { onSubmitted } : {}) }
      const reported = await report(deps, outcome)
      this.span.end(reported.outcome, reported.error)
      await logsSent
    })().catch((error) => {
      this.span.end(null, error)
      this.d.onError(error, 'report')
    })
    return this.final
  }
}
