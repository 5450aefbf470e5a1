import type { TaskQueue } from '../taskQueue/TaskQueue.js'
import type { Task } from '../queue/types.js'
import type { WorkerBackend } from './backend.js'
import type { BreakerSnapshot } from './circuitBreaker.js'
import type { DependencyOutcome } from './dependencies.js'
import type { WorkerHooks } from './hooks.js'

/**
 * What a handler can reach of the queue: enough to fan out work (`enqueue`, `enqueueMany` with
 * `dependsOn`) and to read other tasks' results (`get`). Kept narrow so a remote (HTTP) worker
 * client can offer the same shape.
 */
export type HandlerQueue = Pick<TaskQueue, 'enqueue' | 'enqueueMany' | 'get'>

/** The second argument of every handler. */
export type HandlerContext<P = unknown> = {
  /** The task as claimed (status `processing`, `attempts` = this attempt). */
  readonly task: Task & { payload: P }
  readonly executionId: string
  /** 1 for the first attempt; an interrupted attempt (shutdown) is given back and repeats its number. */
  readonly attempt: number
  /**
   * Aborted on timeout, cancellation, lease loss or forced shutdown; `signal.reason` is a
   * `TaskAborted` whose `kind` says which. Pass it to anything that accepts a signal.
   */
  readonly signal: AbortSignal
  /**
   * Records progress (a fraction 0..1, an optional message). Throttled to about one event per
   * second per execution (events are kept forever); the last value is always recorded before
   * the task's final report. Never throws for a lost lease; throws `RangeError` for bad input.
   */
  progress(fraction: number, message?: string): void
  /**
   * A log line for this execution, kept with it (`get(id)`'s `executions[].logs`, `livequeue logs`):
   * buffered and written with the other lines of this worker about once a second, and before the
   * final report. Each execution keeps its newest 1,000 lines / 256 KiB. `fields`: a JSON object
   * (at most 16 KiB; a `ValidationError` otherwise). Also goes to the `task:log` hook.
   */
  log(message: string, fields?: Record<string, unknown>): void
  /**
   * Persists a JSON value (at most 256 KiB) for this task; resolves once it is on disk. The
   * task's next attempt (a retry, an expired lease, an interrupted shutdown) sees the last one
   * saved as `ctx.lastCheckpoint`. Rejects with the signal's `TaskAborted` when this execution
   * no longer holds the task (nothing was saved), with a `ValidationError` for a value too large.
   */
  saveCheckpoint(data: unknown): Promise<void>
  /** The checkpoint the task's last attempt saved, as this attempt started; undefined when none. */
  readonly lastCheckpoint: unknown
  /** The queue, narrowed: enqueue follow-up work, read other tasks. */
  readonly queue: HandlerQueue
  /**
   * The tasks in `task.dependsOn`, in that order, with their status and result (read once,
   * before the handler starts; empty without dependencies). All `completed`, unless the task was
   * enqueued with `onDependencyFailure: 'run'`: then the ones that failed or were cancelled say so.
   */
  readonly dependencies: ReadonlyArray<DependencyOutcome>
  /**
   * The provider said "too many requests" (a 429): throws a `RateLimited` that ends this attempt.
   * The task runs again after `ms` without using up an attempt, and its whole type pauses for
   * `ms` for every worker (`queue.limits.clear(type)` lifts the pause). `ms`: 1 ms to 30 days.
   */
  rateLimited(ms: number): never
}

/** A handler: a plain async function. Its return value (plain JSON) is the task's result. */
export type Handler<P = any, R = unknown> = (task: Task & { payload: P }, ctx: HandlerContext<P>) => Promise<R>

export type Handlers = Record<string, Handler>

/** Where a task goes when it fails for good (`onFailure`) or times out on its last attempt (`onTimeout`; Default: `onFailure`). */
export type EscalationRule = { onFailure?: string; onTimeout?: string }

export type CircuitBreakerOptions = {
  /** Consecutive failed attempts of one type that open its breaker. (Default: 5) */
  threshold?: number
  /** How long an open breaker stops claims of its type before one trial is let through. (Default: 60000) */
  cooldownMs?: number
}

/**
 * Where the worker gets its tasks: exactly one of a queue this process owns, a host's URL
 * (the same runtime over HTTP), or a backend of your own.
 */
export type WorkerConnection =
  | { queue: TaskQueue; server?: undefined; token?: undefined; backend?: undefined }
  | {
      /** The host's base URL (`livequeue serve`), e.g. `http://127.0.0.1:7420`. */
      server: string | URL
      /** A bearer token with the `worker` (or `admin`) role, when the host has tokens. */
      token?: string
      queue?: undefined
      backend?: undefined
    }
  | { backend: WorkerBackend; queue?: undefined; server?: undefined; token?: undefined }

export type WorkerOptions = WorkerConnection & {
  /** Task type → handler. The worker claims only these types. */
  handlers: Handlers
  /** Handlers running at once, over all types. (Default: 3) */
  concurrency?: number
  /** Per-type caps below `concurrency`. (Default: none) */
  concurrencyPerType?: Record<string, number>
  /** Only claim from these named queues. (Default: all) */
  queues?: ReadonlyArray<string>
  /** This worker's id in the runner registry and on every claim. (Default: `${hostname}:${pid}:${random}`) */
  runnerId?: string
  /** How often a running execution extends its lease. Keep it well below `leaseMs`. (Default: 30000) */
  heartbeatMs?: number
  /** How long a claim (and each heartbeat) holds the task. (Default: 120000) */
  leaseMs?: number
  /** How long `stop()` lets running handlers finish before aborting them. (Default: 30000) */
  shutdownGraceMs?: number
  /** How often the runner registry hears that this worker is alive. (Default: 60000) */
  runnerHeartbeatMs?: number
  /** Per-type escalation targets. (Default: none) */
  escalation?: Record<string, EscalationRule>
  /** Per-type circuit breaker, or `false` to turn it off. (Default: threshold 5, cool-down 60 s) */
  circuitBreaker?: CircuitBreakerOptions | false
  /** Lifecycle hooks for logging and metrics; separate from the synced events. */
  hooks?: Partial<WorkerHooks>
}

export type WorkerState = 'idle' | 'running' | 'stopping' | 'stopped'

export type Worker = {
  readonly runnerId: string
  /** The types this worker claims (its handlers' keys). */
  readonly types: ReadonlyArray<string>
  state(): WorkerState
  /**
   * Registers the runner (over HTTP: waits for the host if it is unreachable), reaps expired
   * leases once (local), then claims reactively. Resolves once registered.
   */
  start(): Promise<void>
  /**
   * Stops claiming, lets running handlers finish within `shutdownGraceMs`, then aborts the rest
   * and records them `interrupted` (attempt given back), then commits RunnerStopped. A second
   * call with `{ force: true }` skips the rest of the grace period. Resolves once all is persisted.
   */
  stop(opts?: { force?: boolean }): Promise<void>
  /** Executions running now (handlers not yet settled). */
  running(): number
  /** Circuit breaker state per type. */
  breakers(): Record<string, BreakerSnapshot>
  /** Adds a hook listener; returns a function that removes it. */
  on<K extends keyof WorkerHooks>(name: K, fn: WorkerHooks[K]): () => void
}
