import type { BackoffPolicy, ErrorInfo } from '../../events/shapes.js'
import type { BackoffInput } from '../retry/backoff.js'
import type { ActivityEntry } from '../shapes/activity.js'
import type { BreakerRow, Stats, StatusCounts, UnhandledType } from '../shapes/stats.js'
import type { ExecutionStatus, OnDependencyFailure, TaskStatus } from '../shapes/statuses.js'
import type { Claim, Execution, ReportResult, Task } from '../shapes/task.js'

// The answers' shapes are Effect Schemas in src/shapes (the HTTP API documents the same ones); their types are re-exported here.
export type {
  ActivityEntry,
  BackoffPolicy,
  BreakerRow,
  Claim,
  ErrorInfo,
  Execution,
  ExecutionStatus,
  OnDependencyFailure,
  ReportResult,
  Stats,
  StatusCounts,
  Task,
  TaskStatus,
  UnhandledType,
}

/** Named priorities; any integer 0–100 is allowed too. Higher runs first. */
export const PRIORITIES = { critical: 10, high: 7, normal: 5, low: 3 } as const
export type PriorityName = keyof typeof PRIORITIES

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
