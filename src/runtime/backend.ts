import type { ClaimOptions } from '../queue/claim.js'
import type { EscalationInput } from '../queue/escalate.js'
import type { Reporter } from '../queue/execution.js'
import type { FailOptions, FailResult } from '../queue/fail.js'
import type { LeaseOptions } from '../queue/heartbeat.js'
import type { AppendLogsResult, LogInput } from '../queue/logTypes.js'
import type { RunnerInfo } from '../queue/runners.js'
import type { BreakerRow, Claim, ReportResult, Task } from '../queue/types.js'
import type { HandlerQueue } from './types.js'

/** What a batch of reports asks for and does with the claims sent along with it. */
export type ReportClaims = {
  /** The claim for the slots the reporting executions free, or null when none should be made. */
  claim(): (ClaimOptions & { runnerId: string }) | null
  /** Tasks claimed with a batch: launched before the reports resolve, so no slot is counted twice. */
  claimed(claims: ReadonlyArray<Claim>): void
}

/** A task the runtime should look at, and its execution when the source knows which one. */
export type ExecutionRef = { taskId: string; executionId: string | null }

/** What the worker claims: its handlers' types, in its named queues (all when undefined). */
export type WorkFilter = { types: ReadonlyArray<string>; queues: ReadonlyArray<string> | undefined }

/** How a backend tells the runtime that something happened outside of its own calls. */
export type BackendSignals = {
  /** Work may be claimable now (an enqueue, a retry coming due, a resumed queue). */
  wake(): void
  /**
   * Claim in this turn: tasks were just queued in the open group commit (local), and a claim made
   * now shares its commit.
   */
  wakeNow(): void
  /** These tasks were asked to cancel: abort their handlers. */
  cancelRequested(refs: ReadonlyArray<ExecutionRef>): void
  /** These tasks' executions may have lost their lease: stop heartbeating, abort their handlers. */
  leaseLost(refs: ReadonlyArray<ExecutionRef>): void
  /** A signal source had trouble; it keeps going. */
  error(error: unknown, during: string): void
}

/**
 * Everything the worker runtime needs from a queue, and nothing more: the state machine a worker
 * drives (claim, heartbeat, progress, complete, fail, confirmCancelled, escalate), the runner
 * registry, the handlers' narrow queue, and the signals that make pickup and cancellation
 * reactive. Two implementations: `localBackend(queue)` on a TaskQueue this process owns, and
 * `remoteBackend(client)` over the host's HTTP API. The runtime never reaches past this.
 */
export interface WorkerBackend {
  readonly kind: 'local' | 'remote'
  /** What handlers get as `ctx.queue`. */
  readonly queue: HandlerQueue
  /**
   * How long one claim may wait for work to become eligible. 0: claims answer at once and
   * `watch`'s `wake` says when to try again (local). Above 0: the claim itself is the wait
   * (an HTTP long-poll answered the moment a task is eligible), re-issued when it comes back empty.
   */
  readonly claimWaitMs: number
  /** The heartbeat interval to use when the worker's options give none. */
  readonly defaultHeartbeatMs: number
  now(): number
  /** `signal` aborts a waiting claim (shutdown); a claim answered meanwhile still resolves. */
  claim(opts: ClaimOptions & { waitMs?: number }, signal?: AbortSignal): Promise<Claim[]>
  /** Reports carry the runner's id: the queue refuses a report on an execution another runner claimed. */
  heartbeat(executionId: string, opts: LeaseOptions): Promise<ReportResult>
  progress(executionId: string, fraction: number, message: string | null, opts: LeaseOptions): Promise<ReportResult>
  complete(executionId: string, result: unknown, by: Reporter): Promise<ReportResult>
  fail(executionId: string, error: unknown, opts: FailOptions): Promise<FailResult>
  confirmCancelled(taskId: string, executionId: string): Promise<void>
  /** Kept logs: buffered lines of this runner's executions, in one batch (one event on the host). */
  appendLogs(lines: ReadonlyArray<LogInput>, by: Reporter): Promise<AppendLogsResult>
  /** A checkpoint for the execution's task, persisted before this resolves; `accepted: false` when it no longer holds the task. */
  saveCheckpoint(executionId: string, data: unknown, by: Reporter): Promise<ReportResult>
  escalate(input: EscalationInput): Promise<Task>
  get(taskId: string): Promise<Task>
  runnerStarted(info: RunnerInfo): Promise<void>
  runnerHeartbeat(runnerId: string): Promise<void>
  runnerStopped(runnerId: string): Promise<void>
  recordBreaker(change: Omit<BreakerRow, 'changedAt'>): Promise<void>
  /** The task was asked to cancel while `executionId` holds it (the source of truth, not a cache). */
  cancelRequested(taskId: string, executionId: string): Promise<boolean>
  /** `executionId` still holds its task (processing, current execution). */
  holds(taskId: string, executionId: string): Promise<boolean>
  /**
   * Starts the signals (and, locally, the lease reaper: one reap before this resolves). Resolves
   * with a function that stops them.
   */
  watch(filter: WorkFilter, signals: BackendSignals): Promise<() => void>
  /**
   * A forced stop: calls waiting for an unreachable host to come back give up now (one more
   * try, then they fail). Nothing to do for a local backend.
   */
  giveUp(): void
  /**
   * Over HTTP: the claim loop lends the completion batches a claim for the slots they free, so a
   * round (completions + next claim) is one request and one commit on the host.
   */
  claimWithReports?(claims: ReportClaims): void
  /** After the worker stopped: closes what the backend opened itself (a local queue is the caller's to close). */
  close(): Promise<void>
}
