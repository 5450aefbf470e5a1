import * as os from 'node:os'
import { QueueClosed, WaitTimedOut } from '../errors.js'
import type { ActivityOptions } from '../queue/activity.js'
import type { Throughput, ThroughputOptions } from '../queue/throughput.js'
import type { EscalationInput } from '../queue/escalate.js'
import type { Reporter } from '../queue/execution.js'
import type { FailOptions, FailResult } from '../queue/fail.js'
import type { LeaseOptions } from '../queue/heartbeat.js'
import type { AppendLogsResult, LogInput, LogsOptions, TaskLogs } from '../queue/logTypes.js'
import type { PruneOptions } from '../queue/prune.js'
import type { Runner, RunnerInfo } from '../queue/runners.js'
import { toErrorInfo } from '../queue/errorInfo.js'
import type { ActivityEntry, BreakerRow, Claim, EnqueueInput, ListOptions, Page, ReportResult, Stats, Task } from '../queue/types.js'
import { type ActivityStream, type ActivityStreamOptions, openActivityStream } from './activityStream.js'
import { decodeError } from './decodeError.js'
import { noLimit, scopeAndName } from '../rateLimits/target.js'
import type { RateLimit, RateLimitTarget } from '../rateLimits/types.js'
import type { Schedule } from '../scheduler/types.js'
import { baseUrl, type JsonFetch, type Method, type Query, requestJson } from './http.js'
import type { EnqueueOptions, QueryResult, QueueApi, RateLimitApi, RemoteClaimOptions, ScheduleApi } from './QueueApi.js'
import { traceHeaders } from './traceHeaders.js'

export type RemoteQueueOptions = {
  /** The host, e.g. `http://127.0.0.1:7420`. */
  url: string
  /** A bearer token from `livequeue token create`. (Default: none; a host without tokens accepts that) */
  token?: string
  /** The clock `now()` reports. (Default: Date.now) */
  now?: () => number
  /** Sends the JSON requests (not the activity stream). (Default: the global fetch; the CLI passes node:http's, quicker to load) */
  fetch?: JsonFetch
}

/** One long-poll of `wait` at most this long: well under undici's 300 s header timeout. */
const WAIT_CHUNK_MS = 60_000

const id = encodeURIComponent

const limitPath = (target: RateLimitTarget): string => {
  const { scope, name } = scopeAndName(target)
  return `/api/limits/${scope}/${id(String(name))}`
}

/**
 * The queue through a host's HTTP API (docs/http-api.md): the same methods, results and tagged
 * errors as `TaskQueue`, plus `activityStream` (SSE) and `claim`'s long-poll `waitMs`. A write
 * resolves once the host has persisted it. Uses the global fetch; keeps no connection of its own.
 */
export class RemoteQueue implements QueueApi {
  readonly url: string
  private readonly token: string | undefined
  private readonly clock: () => number
  private readonly fetch: JsonFetch | undefined
  private closed = false
  /** Aborts long-polls on close; writes in flight are awaited instead. */
  private readonly polls = new AbortController()
  private readonly inFlight = new Set<Promise<unknown>>()
  private readonly streams = new Set<ActivityStream>()

  constructor(opts: RemoteQueueOptions) {
    this.url = baseUrl(opts.url)
    this.token = opts.token || undefined
    this.clock = opts.now ?? Date.now
    this.fetch = opts.fetch
  }

  private call<T>(
    method: Method,
    path: string,
    opts: { body?: unknown; query?: Query; longPoll?: boolean; headers?: Record<string, string> } = {},
  ): Promise<T> {
    if (this.closed) return Promise.reject(new QueueClosed())
    const { longPoll, ...rest } = opts
    const request = requestJson<T>(this.url, this.token, method, path, { ...rest, fetch: this.fetch, ...(longPoll ? { signal: this.polls.signal } : {}) })
    if (!longPoll) {
      this.inFlight.add(request)
      request.then(
        () => this.inFlight.delete(request),
        () => this.inFlight.delete(request),
      )
    }
    return request
  }

  now(): number {
    return this.clock()
  }

  /** Sends the active span's trace context (or `opts.trace`) as `traceparent`: the host's enqueue span is its child. */
  enqueue(input: EnqueueInput, opts: EnqueueOptions = {}): Promise<Task> {
    return this.call('POST', '/api/tasks', { body: input, ...traceHeaders(opts.trace) })
  }
  async enqueueMany(inputs: ReadonlyArray<EnqueueInput>, opts: EnqueueOptions = {}): Promise<Task[]> {
    return (await this.call<{ items: Task[] }>('POST', '/api/tasks/batch', { body: { tasks: inputs }, ...traceHeaders(opts.trace) })).items
  }
  get(taskId: string): Promise<Task> {
    return this.call('GET', `/api/tasks/${id(taskId)}`)
  }
  list(opts: ListOptions = {}): Promise<Page<Task>> {
    return this.call('GET', '/api/tasks', { query: { ...opts } })
  }
  stats(): Promise<Stats> {
    return this.call('GET', '/api/stats')
  }
  async activity(opts: ActivityOptions = {}): Promise<ActivityEntry[]> {
    return (await this.call<{ items: ActivityEntry[] }>('GET', '/api/activity', { query: { ...opts } })).items
  }
  throughput(opts: ThroughputOptions = {}): Promise<Throughput> {
    return this.call('GET', '/api/throughput', { query: { ...opts } })
  }
  /** Follows the activity stream live (SSE), reconnecting without gaps or repeats; see `ActivityStreamOptions`. */
  activityStream(opts: ActivityStreamOptions, onEntry: (entry: ActivityEntry) => void): ActivityStream {
    if (this.closed) throw new QueueClosed()
    const stream = openActivityStream({ base: this.url, token: this.token }, opts, onEntry)
    this.streams.add(stream)
    stream.done.then(
      () => this.streams.delete(stream),
      () => this.streams.delete(stream),
    )
    return stream
  }
  cancel(taskId: string): Promise<Task> {
    return this.call('POST', `/api/tasks/${id(taskId)}/cancel`)
  }
  retry(taskId: string): Promise<Task> {
    return this.call('POST', `/api/tasks/${id(taskId)}/retry`)
  }
  prune(opts: PruneOptions): Promise<{ pruned: number; olderThan: number }> {
    const olderThan = opts?.olderThan instanceof Date ? opts.olderThan.toISOString() : opts?.olderThan
    return this.call('POST', '/api/prune', { body: { olderThan } })
  }
  pause(queue: string): Promise<{ queue: string; paused: true }> {
    return this.call('POST', `/api/queues/${id(queue)}/pause`)
  }
  resume(queue: string): Promise<{ queue: string; paused: false }> {
    return this.call('POST', `/api/queues/${id(queue)}/resume`)
  }
  async requeueStuck(): Promise<string[]> {
    return (await this.call<{ taskIds: string[] }>('POST', '/api/requeue-stuck')).taskIds
  }
  async runners(): Promise<Runner[]> {
    return (await this.call<{ items: Runner[] }>('GET', '/api/runners')).items
  }
  query(sql: string): Promise<QueryResult> {
    return this.call('POST', '/api/query', { body: { sql } })
  }
  readonly schedules: ScheduleApi = {
    set: (name, input) => this.call('PUT', `/api/schedules/${id(name)}`, { body: input }),
    remove: (name) => this.call('DELETE', `/api/schedules/${id(name)}`),
    pause: (name) => this.call('POST', `/api/schedules/${id(name)}/pause`),
    resume: (name) => this.call('POST', `/api/schedules/${id(name)}/resume`),
    get: (name) => this.call('GET', `/api/schedules/${id(name)}`),
    list: async () => (await this.call<{ items: Schedule[] }>('GET', '/api/schedules')).items,
  }
  readonly limits: RateLimitApi = {
    set: (target, limit) => this.call('PUT', limitPath(target), { body: limit }),
    clear: (target) => this.call('DELETE', limitPath(target)),
    get: async (target) => {
      const { scope, name } = scopeAndName(target)
      const found = (await this.limits.list()).find((l) => l.scope === scope && l.name === name)
      return found ?? noLimit(scope, String(name))
    },
    list: async () => (await this.call<{ items: RateLimit[] }>('GET', '/api/limits')).items,
  }
  /** A task's kept log lines after `after`; with `waitMs` (at most 300000), a long-poll answered when a line is kept or the task finishes. */
  logs(taskId: string, opts: LogsOptions = {}): Promise<TaskLogs> {
    return this.call('GET', `/api/tasks/${id(taskId)}/logs`, { query: { ...opts }, longPoll: (opts.waitMs ?? 0) > 0 })
  }
  /** Long-polls in chunks (the host caps one at 300 s), so any `timeoutMs`, or none, works as in process. */
  async wait(taskId: string, opts: { timeoutMs?: number } = {}): Promise<Task> {
    const deadline = opts.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + opts.timeoutMs
    for (;;) {
      const chunk = Math.max(0, Math.min(deadline - Date.now(), WAIT_CHUNK_MS))
      try {
        return await this.call<Task>('GET', `/api/tasks/${id(taskId)}/wait`, { query: { timeoutMs: chunk }, longPoll: true })
      } catch (error) {
        if (!(error instanceof WaitTimedOut)) throw error
        if (Date.now() >= deadline) throw new WaitTimedOut({ taskId, timeoutMs: opts.timeoutMs as number })
      }
    }
  }

  // The worker surface (role worker or admin).
  async claim(opts: RemoteClaimOptions): Promise<Claim[]> {
    const longPoll = (opts.waitMs ?? 0) > 0
    return (await this.call<{ claims: Claim[] }>('POST', '/api/claims', { body: opts, longPoll })).claims
  }
  // Reports name the runner that claimed the execution: the host refuses them from any other
  // (NotClaimant, 409) and, over HTTP, without one (400).
  heartbeat(executionId: string, opts: LeaseOptions = {}): Promise<ReportResult> {
    return this.call('POST', `/api/executions/${id(executionId)}/heartbeat`, { body: opts })
  }
  progress(executionId: string, fraction: number, message?: string | null, opts: LeaseOptions = {}): Promise<ReportResult> {
    return this.call('POST', `/api/executions/${id(executionId)}/progress`, {
      body: { fraction, ...(typeof message === 'string' ? { message } : {}), ...opts },
    })
  }
  complete(executionId: string, result?: unknown, by: Reporter = {}): Promise<ReportResult> {
    return this.call('POST', `/api/executions/${id(executionId)}/complete`, { body: { ...by, ...(result === undefined ? {} : { result }) } })
  }
  /**
   * Several completions in one request and one commit (POST /api/completions), in order: each
   * execution's ReportResult, or the error `complete` would have thrown for it.
   */
  async completeMany(items: ReadonlyArray<{ executionId: string; result?: unknown; runnerId?: string | undefined }>): Promise<Array<ReportResult | Error>> {
    return (await this.completeAndClaim(items)).results
  }
  /**
   * `completeMany`, and with `claim`, a claim in the same request and commit for the slots these
   * completions free (it never waits). The claims come back beside the results.
   */
  async completeAndClaim(
    items: ReadonlyArray<{ executionId: string; result?: unknown; runnerId?: string | undefined }>,
    claim?: Omit<RemoteClaimOptions, 'waitMs'>,
  ): Promise<{ results: Array<ReportResult | Error>; claims: Claim[] }> {
    const completions = items.map(({ executionId, result, runnerId }) => ({
      executionId,
      ...(runnerId === undefined ? {} : { runnerId }),
      ...(result === undefined ? {} : { result }),
    }))
    const answer = await this.call<{ results: Array<ReportResult | { error: unknown }>; claims?: Claim[] }>('POST', '/api/completions', {
      body: { completions, ...(claim ? { claim } : {}) },
    })
    return {
      results: answer.results.map((r) => ('error' in r ? decodeError(`${this.url}/api/completions`, 400, r) : r)),
      claims: answer.claims ?? [],
    }
  }
  fail(executionId: string, error: unknown, opts: FailOptions = {}): Promise<FailResult> {
    return this.call('POST', `/api/executions/${id(executionId)}/fail`, { body: { error: toErrorInfo(error), ...opts } })
  }
  /** Kept logs: lines of this runner's executions, in one request and one event (POST /api/logs). */
  appendLogs(lines: ReadonlyArray<LogInput>, by: Reporter = {}): Promise<AppendLogsResult> {
    return this.call('POST', '/api/logs', { body: { ...by, lines } })
  }
  saveCheckpoint(executionId: string, data: unknown, by: Reporter = {}): Promise<ReportResult> {
    return this.call('POST', `/api/executions/${id(executionId)}/checkpoint`, { body: { ...by, data } })
  }
  /** The host finds the task from the execution; `taskId` is kept for the shared signature. */
  async confirmCancelled(_taskId: string, executionId: string): Promise<void> {
    await this.call('POST', `/api/executions/${id(executionId)}/cancelled`)
  }
  escalate(input: EscalationInput): Promise<Task> {
    const { taskId, error, ...rest } = input
    return this.call('POST', `/api/tasks/${id(taskId)}/escalate`, { body: { ...rest, error: toErrorInfo(error) }, ...traceHeaders(undefined) })
  }
  /** `host` and `pid` default to this process's: the worker's machine, not the host's. */
  async runnerStarted(info: RunnerInfo): Promise<void> {
    await this.call('POST', '/api/runners', { body: { host: os.hostname(), pid: process.pid, ...info } })
  }
  async runnerHeartbeat(runnerId: string): Promise<void> {
    await this.call('POST', `/api/runners/${id(runnerId)}/heartbeat`)
  }
  async runnerStopped(runnerId: string): Promise<void> {
    await this.call('POST', `/api/runners/${id(runnerId)}/stopped`)
  }
  async recordBreaker(change: Omit<BreakerRow, 'changedAt'>): Promise<void> {
    const { runnerId, ...rest } = change
    await this.call('POST', `/api/runners/${id(runnerId)}/breakers`, { body: rest })
  }

  /** Ends long-polls and streams, waits for writes in flight; later calls fail with QueueClosed. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.polls.abort()
    for (const stream of this.streams) stream.close()
    await Promise.allSettled([...this.inFlight, ...[...this.streams].map((s) => s.done)])
  }
}
