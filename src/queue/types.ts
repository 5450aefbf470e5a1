import type { BackoffPolicy, ErrorInfo } from '../../events/shapes.js'
import type { ExecutionStatus } from '../../schema/taskExecutions.js'
import type { TaskStatus } from '../../schema/workerTasks.js'
import type { BackoffInput } from '../retry/backoff.js'
import type { Checkpoint, LogLine } from './logTypes.js'
import type { UnhandledType } from './unhandledTypes.js'

export type { BackoffPolicy, ErrorInfo, ExecutionStatus, TaskStatus, UnhandledType }

/** Named priorities; any integer 0–100 is allowed too. Higher runs first. */
export const PRIORITIES = { critical: 10, high: 7, normal: 5, low: 3 } as const
export type PriorityName = keyof typeof PRIORITIES

/** What a dependency that fails for good or is cancelled does to a task that depends on it. */
export type OnDependencyFailure = 'cancel' | 'run'

export type EnqueueInput = {
  /** What kind of work: the worker handler that runs it. */
  type: string
  /** Any JSON value. (Default: null; at most 1 MiB as JSON) */
  payload?: unknown
  /** `critical` 10, `high` 7, `normal` 5, `low` 3, or an integer 0–100; higher first. (Default: normal) */
  priority?: PriorityName | number
  /** Run no sooner than this many ms from now. (Default: 0) */
  delay?: number
  /** Run no sooner than this time; excludes `delay`. */
  runAt?: Date
  /** Attempts in all, the first included. (Default: 3) */
  maxAttempts?: number
  /** Retry backoff. (Default: exponential, base 1 s, ×2, cap 1 h, no jitter) */
  backoff?: BackoffInput
  /** Abort the handler after this many ms. (Default: none) */
  timeoutMs?: number
  /** Task ids that must all complete before this one runs. (Default: none) */
  dependsOn?: ReadonlyArray<string>
  /**
   * When a dependency fails for good or is cancelled: `cancel` this task too (with the reason,
   * and its own dependents after it), or `run` it anyway (its handler sees every dependency's
   * status in `ctx.dependencies`). (Default: cancel)
   */
  onDependencyFailure?: OnDependencyFailure
  /** A second enqueue with the same key returns the first task, marked `deduplicated`. */
  idempotencyKey?: string
  /** Named queue; queues are paused and resumed as a whole. (Default: "default") */
  queue?: string
  tags?: ReadonlyArray<string>
  metadata?: Record<string, unknown>
  /** Caller-chosen id (lets one `enqueueMany` link tasks by `dependsOn`). (Default: a new UUIDv7) */
  id?: string
}

export type Execution = {
  id: string
  taskId: string
  attempt: number
  runnerId: string
  status: ExecutionStatus
  startedAt: number
  finishedAt: number | null
  progress: number | null
  progressMessage: string | null
  result: unknown
  error: ErrorInfo | null
  durationMs: number | null
  /** Set by `get`: the execution's kept `ctx.log` lines, oldest first (the newest 1,000 / 256 KiB). */
  logs?: LogLine[]
  /** Set by `get`: how many of its lines were not kept (over the bound, or dropped by the worker). */
  droppedLines?: number
}

export type Task = {
  id: string
  type: string
  queue: string
  payload: unknown
  priority: number
  status: TaskStatus
  processAfter: number
  createdAt: number
  updatedAt: number
  attempts: number
  maxAttempts: number
  backoff: BackoffPolicy
  timeoutMs: number | null
  dependsOn: string[]
  /** Dependencies not settled yet (not completed; or, under `onDependencyFailure: 'run'`, not ended). */
  blockedBy: number
  onDependencyFailure: OnDependencyFailure
  /** Why the queue cancelled it ("dependency … failed"); null when it was not cancelled by the queue. */
  cancelReason: string | null
  idempotencyKey: string | null
  tags: string[]
  metadata: Record<string, unknown>
  result: unknown
  lastError: ErrorInfo | null
  currentExecutionId: string | null
  runnerId: string | null
  leaseUntil: number | null
  cancelRequested: boolean
  finishedAt: number | null
  escalatedFrom: string | null
  escalatedTo: string | null
  /** Who enqueued it over HTTP (the token's name), else null. */
  createdBy: string | null
  /**
   * The W3C trace context of the span that enqueued it (`00-<trace id>-<span id>-<flags>`): each
   * execution's span is its child (README, "Tracing"). Null when nothing traced the enqueue.
   */
  traceparent: string | null
  tracestate: string | null
  /** Set by `enqueue` when an existing task with the same idempotency key was returned. */
  deduplicated?: boolean
  /** Set by `get`: every execution, oldest first. */
  executions?: Execution[]
  /** Set by `get`: the last checkpoint a handler saved (`ctx.saveCheckpoint`), or null. */
  checkpoint?: Checkpoint | null
}

/** `checkpoint`: the task's last saved checkpoint, when it has one (the attempt resumes from it). */
export type Claim = { task: Task; executionId: string; attempt: number; leaseUntil: number; checkpoint?: Checkpoint }

export type ListOptions = {
  status?: TaskStatus
  type?: string
  queue?: string
  tag?: string
  /** (Default: 50, at most 1000) */
  limit?: number
  /** `nextCursor` from the previous page. */
  cursor?: string
  /**
   * Also list archived tasks: the finished tasks left in sealed epochs (issue 13). The current
   * epoch's tasks come first (newest first), then the archives' finished tasks (newest first
   * across every sealed epoch). Keep passing `archived: true` with the cursor. (Default: false)
   */
  archived?: boolean
}
export type Page<T> = { items: T[]; nextCursor: string | null }

export type StatusCounts = Record<TaskStatus, number>
export type Stats = {
  byStatus: StatusCounts
  byQueue: Record<string, StatusCounts & { paused: boolean }>
  byType: Record<string, StatusCounts>
  /** Pending tasks by priority. */
  byPriority: Record<string, number>
  /** Age of the oldest pending task, or null when none is pending. */
  oldestPendingAgeMs: number | null
  /** Circuit breakers of running workers that are not closed, and any that changed recently. */
  breakers: BreakerRow[]
  /** Types with pending tasks that no worker has registered for a while ("no worker handles X"), most pending first. */
  unhandledTypes: UnhandledType[]
}

export type BreakerRow = {
  runnerId: string
  type: string
  state: 'closed' | 'open' | 'halfOpen'
  consecutiveFailures: number
  changedAt: number
  reopensAt: number | null
}

export type ActivityEntry = {
  seq: number
  at: number
  /** Null for entries about no single task (a circuit breaker changing state). */
  taskId: string | null
  executionId: string | null
  kind: string
  type: string | null
  queue: string | null
  summary: string
}

/** The answer to a worker's report: whether its execution still holds the task. */
export type ReportResult = { accepted: boolean; cancelRequested: boolean; leaseUntil: number | null }
