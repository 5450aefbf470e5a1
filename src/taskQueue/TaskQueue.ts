import type { Queryable, Store } from '@livestore/livestore'
import { QueueClosed } from '../errors.js'
import { type RateLimits, limitsOf } from '../rateLimits/api.js'
import { type Schedules, schedulesOf } from '../scheduler/api.js'
import { type Fired, fireDue } from '../scheduler/fire.js'
import type { OpenQueueOptions } from './openQueue.js'
import { QueueGate } from './gate.js'
import type { OwnedStore, WriteHealth } from './openStore.js'
import { subscribeLive } from '../store/subscribeLive.js'
import type { TaskDefinition } from '../tasks/defineTask.js'
import { TaskTypes } from '../tasks/registry.js'
import { type ArchiveSource, activityWithArchive, getWithArchive, listWithArchive } from '../epochs/queueArchive.js'
import { type ActivityOptions, activity, activityFloor } from '../queue/activity.js'
import { recordBreaker } from '../queue/breakers.js'
import { cancel, confirmCancelled } from '../queue/cancel.js'
import { saveCheckpoint, withCheckpoints } from '../queue/checkpoint.js'
import { type ClaimOptions, claim } from '../queue/claim.js'
import { complete } from '../queue/complete.js'
import type { QueueContext } from '../queue/context.js'
import { type EnqueueExtra, enqueue, enqueueMany } from '../queue/enqueue.js'
import { type EscalationInput, escalate } from '../queue/escalate.js'
import { expireLeases, nextLeaseDeadline, rearmLeases, requeueStuck } from '../queue/expireLeases.js'
import { LeaseBook } from '../queue/leases.js'
import { type FailOptions, type FailResult, fail } from '../queue/fail.js'
import { type Reporter, taskOfExecution } from '../queue/execution.js'
import { heartbeat, type LeaseOptions, progress } from '../queue/heartbeat.js'
import { hasTask, list } from '../queue/list.js'
import { appendLogs, taskLogsOrArchived } from '../queue/logs.js'
import type { AppendLogsResult, LogInput, LogsOptions, TaskLogs } from '../queue/logTypes.js'
import { pause, resume } from '../queue/pause.js'
import { query } from '../queue/query.js'
import { type PruneOptions, prune } from '../queue/prune.js'
import { get } from '../queue/read.js'
import { retry } from '../queue/retry.js'
import { type Runner, type RunnerInfo, runnerHeartbeat, runnerStarted, runnerStopped, runners } from '../queue/runners.js'
import { stats } from '../queue/stats.js'
import { type Throughput, type ThroughputOptions, throughput } from '../queue/throughput.js'
import type { ActivityEntry, BreakerRow, Claim, EnqueueInput, ListOptions, Page, ReportResult, Stats, Task } from '../queue/types.js'
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../queue/validateInput.js'
import { wait } from '../queue/wait.js'

/** Who enqueues (see `TaskQueue.enqueue`). */
export type EnqueueBy = Omit<EnqueueExtra, 'escalatedFrom'>

/**
 * The queue. Every write resolves only after its events are persisted; a refused call throws a
 * tagged error (`ValidationError`, `TaskNotFound`, `InvalidTransition`, `DependencyCycle`, …)
 * and writes nothing. One process owns a data dir (`StoreLocked` otherwise).
 */
export class TaskQueue {
  private readonly gate: QueueGate

  constructor(
    readonly owned: OwnedStore,
    opts: Pick<OpenQueueOptions, 'now' | 'random' | 'maxPayloadBytes' | 'tasks'> = {},
  ) {
    const taskTypes = new TaskTypes()
    taskTypes.register(opts.tasks ?? [])
    this.gate = new QueueGate(owned, {
      owned,
      now: opts.now ?? Date.now,
      random: opts.random ?? Math.random,
      maxPayloadBytes: opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      leases: new LeaseBook(),
      taskTypes,
    })
  }

  private get ctx(): QueueContext {
    return this.gate.ctx
  }

  /**
   * Declares task types (made by `defineTask`): every enqueue of one of them, from the library,
   * the CLI or HTTP, gets its default options and has its payload checked against its schema.
   */
  registerTasks(definitions: Iterable<TaskDefinition>): void {
    this.ctx.taskTypes.register(definitions)
  }

  /** The declared task types. */
  get taskTypes(): ReadonlyArray<TaskDefinition> {
    return this.ctx.taskTypes.list()
  }

  /** The LiveStore store underneath (for one-shot reads and devtools; it changes when a failed store is reopened). */
  get store(): Store<any> {
    return this.owned.store
  }

  /** A live query that follows the store across a reopen after a storage fault; returns an unsubscribe. */
  subscribe<T>(query: Queryable<T>, onUpdate: (value: T) => void): () => void {
    return subscribeLive(this.owned, query, onUpdate)
  }

  /** Whether writes are taken now; after a storage fault, why not (`StorageUnavailable`). */
  get writeHealth(): WriteHealth {
    return this.owned.writeHealth
  }

  /** The data dir this queue owns, or null in memory / on an adopted store. */
  get dataDir(): string | null {
    return this.owned.dataDir
  }

  now(): number {
    return this.ctx.now()
  }

  /**
   * `by.createdBy`: who enqueued it (the HTTP server passes the token's name). `by.trace`: the
   * W3C trace context to enqueue under (`{ traceparent, tracestate? }`) when it is not the active
   * OpenTelemetry context (README, "Tracing").
   */
  enqueue(input: EnqueueInput, by: EnqueueBy = {}): Promise<Task> {
    return this.gate.useAsync((ctx) => enqueue(ctx, input, by))
  }
  enqueueMany(inputs: ReadonlyArray<EnqueueInput>, by: EnqueueBy = {}): Promise<Task[]> {
    return this.gate.useAsync((ctx) => enqueueMany(ctx, inputs, by))
  }

  /** The task with its executions; one the current epoch does not hold is looked up in the archives (sealed epochs). */
  async get(taskId: string): Promise<Task> {
    return getWithArchive(this.archives, taskId, () => this.gate.use((ctx) => get(ctx, taskId)))
  }
  /** Tasks newest first; with `archived: true`, the archives' finished tasks after the current epoch's (see `ListOptions`). */
  async list(opts: ListOptions = {}): Promise<Page<Task>> {
    if (!opts.archived) return this.gate.use((ctx) => list(ctx, opts))
    return listWithArchive(
      this.archives,
      opts,
      (o) => this.gate.use((ctx) => list(ctx, o)),
      (id) => this.gate.use((ctx) => hasTask(ctx, id)),
    )
  }
  async stats(): Promise<Stats> {
    return this.gate.use((ctx) => stats(ctx))
  }
  /** The activity stream; paging back (`before`) goes on into the archives when the current epoch runs out. */
  async activity(opts: ActivityOptions = {}): Promise<ActivityEntry[]> {
    // The current epoch is read now, synchronously (the SSE stream reads the head right after).
    const current = this.gate.use((ctx) => activity(ctx, opts))
    return activityWithArchive(this.archives, opts, current, () => this.gate.use((ctx) => activityFloor(ctx)))
  }
  /** Where this queue's archives are: its data dir's sealed epochs (none in memory or on an adopted store). */
  private get archives(): ArchiveSource {
    return { dataDir: this.owned.dataDir, storeId: () => this.owned.store.storeId }
  }
  /** Completed and failed executions per minute over the last `minutes` (the dashboard's chart). */
  async throughput(opts: ThroughputOptions = {}): Promise<Throughput> {
    return this.gate.use((ctx) => throughput(ctx, opts))
  }
  cancel(taskId: string): Promise<Task> {
    return this.gate.useAsync((ctx) => cancel(ctx, taskId))
  }
  retry(taskId: string): Promise<Task> {
    return this.gate.useAsync((ctx) => retry(ctx, taskId))
  }
  prune(opts: PruneOptions): Promise<{ pruned: number; olderThan: number }> {
    return this.gate.useAsync((ctx) => prune(ctx, opts))
  }
  pause(queue: string): Promise<{ queue: string; paused: true }> {
    return this.gate.useAsync((ctx) => pause(ctx, queue))
  }
  resume(queue: string): Promise<{ queue: string; paused: false }> {
    return this.gate.useAsync((ctx) => resume(ctx, queue))
  }
  requeueStuck(): Promise<string[]> {
    return this.gate.useAsync((ctx) => requeueStuck(ctx))
  }
  /** The worker registry, most recently seen first. */
  async runners(): Promise<Runner[]> {
    return this.gate.use((ctx) => runners(ctx))
  }
  /** Read-only SQL over the state tables (a single SELECT). */
  async query(sql: string): Promise<{ rows: Record<string, unknown>[]; truncated: boolean }> {
    return this.gate.use((ctx) => query(ctx, sql))
  }
  /** Recurring tasks: cron or interval schedules, fired by the host's `Scheduler`, once per slot. */
  readonly schedules: Schedules = schedulesOf(
    (fn) => this.gate.use(fn),
    (fn) => this.gate.useAsync(fn),
  )
  /** Rate limits per task type or named queue: at most `max` claims per `perMs` across all workers. */
  readonly limits: RateLimits = limitsOf(
    (fn) => this.gate.use(fn),
    (fn) => this.gate.useAsync(fn),
  )
  /** @internal The scheduler's pass: fires due slots (see `Scheduler`). */
  fireDueSchedules(skipThrough: number): Promise<{ fired: Fired[]; nextAt: number | null }> {
    return this.gate.useAsync((ctx) => fireDue(ctx, skipThrough))
  }
  /**
   * A task's kept `ctx.log` lines after the cursor `after`, oldest first; with `waitMs`, waits
   * (a live query) until there is a line or the task finishes. An archived task's lines come
   * from its archive, all at once. Follow a task with `after: answer.cursor` until `finished`.
   */
  async logs(taskId: string, opts: LogsOptions = {}, signal?: AbortSignal): Promise<TaskLogs> {
    // Writes nothing and may wait: outside the gate, as `wait` is.
    if (this.gate.closed) throw new QueueClosed()
    return taskLogsOrArchived(this.ctx, taskId, opts, signal, (id) => this.get(id))
  }

  /** Resolves with the task once it is completed, failed or cancelled. */
  wait(taskId: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Task> {
    // Writes nothing and may last hours: it stays outside the gate, so a rotation never waits for it.
    if (this.gate.closed) return Promise.reject(new QueueClosed())
    return wait(this.ctx, taskId, opts)
  }

  // The state machine the worker runtime drives.
  /** Each claim carries its task's checkpoint, when it has one. */
  claim(opts: ClaimOptions): Promise<Claim[]> {
    return this.gate.useAsync(async (ctx) => withCheckpoints((query, binds) => this.store.query({ query, bindValues: binds }) as never, await claim(ctx, opts)))
  }
  /** With `runnerId`, only the runner that claimed the execution may report (`NotClaimant`); HTTP always checks. */
  heartbeat(executionId: string, opts: LeaseOptions = {}): Promise<ReportResult> {
    return this.gate.useAsync((ctx) => heartbeat(ctx, executionId, opts))
  }
  progress(executionId: string, fraction: number, message?: string | null, opts: LeaseOptions = {}): Promise<ReportResult> {
    return this.gate.useAsync((ctx) => progress(ctx, executionId, fraction, message, opts))
  }
  complete(executionId: string, result?: unknown, by: Reporter = {}): Promise<ReportResult> {
    return this.gate.useAsync((ctx) => complete(ctx, executionId, result, by))
  }
  fail(executionId: string, error: unknown, opts: FailOptions = {}): Promise<FailResult> {
    return this.gate.useAsync((ctx) => fail(ctx, executionId, error, opts))
  }
  /**
   * Keeps a worker's buffered `ctx.log` lines, of any of its executions, in one event (kept
   * logs). With `runnerId`, every line must be of an execution that runner claimed (`NotClaimant`).
   */
  appendLogs(lines: ReadonlyArray<LogInput>, by: Reporter = {}): Promise<AppendLogsResult> {
    return this.gate.useAsync((ctx) => appendLogs(ctx, lines, by))
  }
  /** Persists a checkpoint for the execution's task; its next attempt sees it (`ctx.lastCheckpoint`). `accepted: false`: the execution no longer holds the task. */
  saveCheckpoint(executionId: string, data: unknown, by: Reporter = {}): Promise<ReportResult> {
    return this.gate.useAsync((ctx) => saveCheckpoint(ctx, executionId, data, by))
  }
  /** The worker's side of a cancel: its handler stopped. */
  confirmCancelled(taskId: string, executionId: string): Promise<void> {
    return this.gate.useAsync((ctx) => confirmCancelled(ctx, taskId, executionId))
  }
  /** Re-routes a task that failed for good or timed out to another type (a linked task). */
  /** `by.trace`: as for `enqueue` (a remote worker's failed execution: the escalated task's enqueue span is its child). */
  escalate(input: EscalationInput, by: Pick<EnqueueBy, 'trace'> = {}): Promise<Task> {
    return this.gate.useAsync((ctx) => escalate(ctx, input, by))
  }
  /** The worker registry: a runtime came up, is alive, stopped. */
  runnerStarted(info: RunnerInfo): Promise<void> {
    return this.gate.useAsync((ctx) => runnerStarted(ctx, info))
  }
  runnerHeartbeat(runnerId: string): Promise<void> {
    return this.gate.useAsync((ctx) => runnerHeartbeat(ctx, runnerId))
  }
  runnerStopped(runnerId: string): Promise<void> {
    return this.gate.useAsync((ctx) => runnerStopped(ctx, runnerId))
  }
  /** A worker's circuit breaker changed state (shown by `stats()` and in the activity stream). */
  recordBreaker(change: Omit<BreakerRow, 'changedAt'>): Promise<void> {
    return this.gate.useAsync((ctx) => recordBreaker(ctx, change))
  }
  /** The reaper: ends executions whose lease passed; their tasks are retried by policy. */
  expireLeases(): Promise<string[]> {
    return this.gate.useAsync((ctx) => expireLeases(ctx))
  }
  /** The task an execution belongs to, or `ExecutionNotFound`. */
  taskOfExecution(executionId: string): string {
    return this.gate.use((ctx) => taskOfExecution(ctx, executionId))
  }
  /** When the reaper next has work: the earliest lease deadline among processing tasks (null: none). */
  nextLeaseDeadline(): number | null {
    return this.gate.use((ctx) => nextLeaseDeadline(ctx))
  }
  /** The host (re)starts its reaper: every processing task gets a full lease period from now. */
  rearmLeases(): void {
    this.gate.use((ctx) => rearmLeases(ctx))
  }

  /** Flushes every pending write, shuts the store down (if this queue opened it), releases the lock. */
  async close(): Promise<void> {
    if (this.gate.closed) return
    this.gate.closed = true
    await this.owned.close()
  }
}
