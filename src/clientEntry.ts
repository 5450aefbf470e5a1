/**
 * `livequeue/client`: producers and workers that talk to a host over HTTP, without LiveStore.
 *
 * Everything here loads without `@livestore/*` (checked by test/client-entry.test.ts): a remote
 * worker process is the worker runtime, `fetch` and Effect's `Data`. `connect(url)` gives the
 * queue's API through the host; `createWorker({ server, handlers })` runs handlers for it. A
 * `connect()` that finds no host and opens the data dir itself loads LiveStore then, on use.
 */
export {
  DependencyCycle,
  ExecutionNotFound,
  InvalidTransition,
  NotClaimant,
  type QueueError,
  QueueClosed,
  ScheduleNotFound,
  StorageUnavailable,
  StoreLocked,
  TaskNotFound,
  ValidationError,
  WaitTimedOut,
} from './errors.js'
export { QueryTimedOut } from './query/errors.js'
export { parseDuration } from './queue/duration.js'
export type { ActivityOptions } from './queue/activity.js'
export type { FailOptions, FailResult } from './queue/fail.js'
export type { PruneOptions } from './queue/prune.js'
export type { Throughput, ThroughputOptions } from './queue/throughput.js'
export type * from './queue/types.js'
export type { Schedule, ScheduleInput, ScheduleTask } from './scheduler/types.js'
export * from './client/index.js'
export { createRemoteWorker as createWorker, type RemoteWorkerOptions } from './runtime/remoteWorker.js'
export type { BackendSignals, ExecutionRef, WorkerBackend, WorkFilter } from './runtime/backend.js'
export { type BreakerSnapshot, type BreakerState, DEFAULT_BREAKER_COOLDOWN_MS, DEFAULT_BREAKER_THRESHOLD } from './runtime/circuitBreaker.js'
export { DEFAULT_CONCURRENCY, DEFAULT_HEARTBEAT_MS, DEFAULT_SHUTDOWN_GRACE_MS, DEFAULT_WORKER_LEASE_MS } from './runtime/createWorker.js'
export { type AbortReasonKind, abortKind, PermanentError, RateLimited, RetryAfter, TaskAborted } from './runtime/errors.js'
export type { HookName, TaskHookEvent, WorkerHooks } from './runtime/hooks.js'
export { DEFAULT_CLAIM_WAIT_MS, type RemoteBackendOptions, remoteBackend } from './runtime/remoteBackend.js'
export { DEFAULT_RUNNER_HEARTBEAT_MS } from './runtime/registry.js'
export { type HandleSignalsOptions, handleSignals, onShutdownSignals, type Stoppable } from './runtime/signals.js'
export type { CircuitBreakerOptions, EscalationRule, Handler, HandlerContext, HandlerQueue, Handlers, Worker, WorkerState } from './runtime/types.js'
export * from './limits.js'
