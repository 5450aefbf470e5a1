import type { ActivityOptions } from '../queue/activity.js'
import type { ClaimOptions } from '../queue/claim.js'
import type { EscalationInput } from '../queue/escalate.js'
import type { Reporter } from '../queue/execution.js'
import type { FailOptions, FailResult } from '../queue/fail.js'
import type { LeaseOptions } from '../queue/heartbeat.js'
import type { AppendLogsResult, LogInput, LogsOptions, TaskLogs } from '../queue/logTypes.js'
import type { PruneOptions } from '../queue/prune.js'
import type { Runner, RunnerInfo } from '../queue/runners.js'
import type { TaskQueue } from '../taskQueue/TaskQueue.js'
import type { RateLimit, RateLimitInput, RateLimitScope, RateLimitTarget } from '../rateLimits/types.js'
import type { Schedule, ScheduleInput } from '../scheduler/types.js'
import type { Throughput, ThroughputOptions } from '../queue/throughput.js'
import type { TraceCarrier } from '../tracing/traceparent.js'
import type { ActivityEntry, BreakerRow, Claim, EnqueueInput, ListOptions, Page, ReportResult, Stats, Task } from '../queue/types.js'

/**
 * The queue as both transports offer it: `TaskQueue` (in process, owning the store) and
 * `RemoteQueue` (through a host's HTTP API). The CLI and the remote worker runtime are written
 * once against these interfaces; the methods, arguments, results and tagged errors are the same.
 */

export type QueryResult = { rows: Record<string, unknown>[]; truncated: boolean }

/** What producers, admins and readers use. */
/**
 * `trace`: the W3C trace context to enqueue under, when it is not the active OpenTelemetry
 * context (the CLI passes its `TRACEPARENT`); README, "Tracing".
 */
export type EnqueueOptions = { trace?: TraceCarrier }

export interface ProducerApi {
  enqueue(input: EnqueueInput, opts?: EnqueueOptions): Promise<Task>
  enqueueMany(inputs: ReadonlyArray<EnqueueInput>, opts?: EnqueueOptions): Promise<Task[]>
  get(taskId: string): Promise<Task>
  list(opts?: ListOptions): Promise<Page<Task>>
  stats(): Promise<Stats>
  activity(opts?: ActivityOptions): Promise<ActivityEntry[]>
  /** Completed and failed executions per minute over the last `minutes`. */
  throughput(opts?: ThroughputOptions): Promise<Throughput>
  cancel(taskId: string): Promise<Task>
  retry(taskId: string): Promise<Task>
  prune(opts: PruneOptions): Promise<{ pruned: number; olderThan: number }>
  pause(queue: string): Promise<{ queue: string; paused: true }>
  resume(queue: string): Promise<{ queue: string; paused: false }>
  requeueStuck(): Promise<string[]>
  runners(): Promise<Runner[]>
  /** Read-only SQL over the state tables (a single SELECT); anything else is a ValidationError. */
  query(sql: string): Promise<QueryResult>
  /** Resolves with the task once it is completed, failed or cancelled; WaitTimedOut after `timeoutMs`. */
  wait(taskId: string, opts?: { timeoutMs?: number }): Promise<Task>
  /** A task's kept `ctx.log` lines after the cursor `after`; with `waitMs`, waits for one (or for the task to finish). */
  logs(taskId: string, opts?: LogsOptions): Promise<TaskLogs>
  /** Flushes (in process) or ends open requests (remote); later calls fail with QueueClosed. */
  close(): Promise<void>
  /** Recurring tasks (writes need the admin role over HTTP). */
  readonly schedules: ScheduleApi
  /** Rate limits per task type or named queue (writes need the admin role over HTTP). */
  readonly limits: RateLimitApi
}

export interface RateLimitApi {
  set(target: RateLimitTarget, limit: RateLimitInput): Promise<RateLimit>
  clear(target: RateLimitTarget): Promise<{ scope: RateLimitScope; name: string; cleared: true }>
  get(target: RateLimitTarget): Promise<RateLimit>
  list(): Promise<RateLimit[]>
}

export interface ScheduleApi {
  set(name: string, input: ScheduleInput): Promise<Schedule>
  remove(name: string): Promise<{ name: string; removed: true }>
  pause(name: string): Promise<Schedule>
  resume(name: string): Promise<Schedule>
  get(name: string): Promise<Schedule>
  list(): Promise<Schedule[]>
}

export type RemoteClaimOptions = ClaimOptions & {
  /**
   * Long-poll: when nothing is eligible, wait up to this long (at most 30000) for a task.
   * Only the remote transport waits; in process, `claim` answers at once and workers wake on a
   * live query instead. (Default: 0)
   */
  waitMs?: number
}

/** The state machine a worker runtime drives. */
export interface WorkerApi {
  /** The queue's clock (in process: its `now` option; remote: this machine's). */
  now(): number
  claim(opts: RemoteClaimOptions): Promise<Claim[]>
  /** `runnerId`: the runner that claimed the execution (required over HTTP; checked in process when given). */
  heartbeat(executionId: string, opts?: LeaseOptions): Promise<ReportResult>
  progress(executionId: string, fraction: number, message?: string | null, opts?: LeaseOptions): Promise<ReportResult>
  complete(executionId: string, result?: unknown, by?: Reporter): Promise<ReportResult>
  fail(executionId: string, error: unknown, opts?: FailOptions): Promise<FailResult>
  confirmCancelled(taskId: string, executionId: string): Promise<void>
  appendLogs(lines: ReadonlyArray<LogInput>, by?: Reporter): Promise<AppendLogsResult>
  saveCheckpoint(executionId: string, data: unknown, by?: Reporter): Promise<ReportResult>
  escalate(input: EscalationInput): Promise<Task>
  runnerStarted(info: RunnerInfo): Promise<void>
  runnerHeartbeat(runnerId: string): Promise<void>
  runnerStopped(runnerId: string): Promise<void>
  recordBreaker(change: Omit<BreakerRow, 'changedAt'>): Promise<void>
}

export interface QueueApi extends ProducerApi, WorkerApi {}

/** Compile-time proof that the in-process queue satisfies the interface (RemoteQueue `implements` it). */
type Satisfies<T extends QueueApi> = T
export type TaskQueueIsQueueApi = Satisfies<TaskQueue>
