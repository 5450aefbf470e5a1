/** The agent worker runtime: `createWorker`, the errors handlers throw, and signal handling. */
export type { BackendSignals, ExecutionRef, WorkerBackend, WorkFilter } from './backend.js'
export {
  type BreakerSnapshot,
  type BreakerState,
  DEFAULT_BREAKER_COOLDOWN_MS,
  DEFAULT_BREAKER_THRESHOLD,
} from './circuitBreaker.js'
export { createWorker } from './localWorker.js'
export {
  DEFAULT_CONCURRENCY,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_SHUTDOWN_GRACE_MS,
  DEFAULT_WORKER_LEASE_MS,
} from './createWorker.js'
export { type DependencyOutcome, readDependencies } from './dependencies.js'
export { type AbortReasonKind, abortKind, PermanentError, RateLimited, RetryAfter, TaskAborted } from './errors.js'
export type { HookName, TaskHookEvent, WorkerHooks } from './hooks.js'
export { localBackend } from './localBackend.js'
export { DEFAULT_CLAIM_WAIT_MS, type RemoteBackendOptions, remoteBackend } from './remoteBackend.js'
export { DEFAULT_RUNNER_HEARTBEAT_MS } from './registry.js'
export { type HandleSignalsOptions, handleSignals, onShutdownSignals, type Stoppable } from './signals.js'
export type {
  CircuitBreakerOptions,
  EscalationRule,
  Handler,
  HandlerContext,
  HandlerQueue,
  Handlers,
  Worker,
  WorkerConnection,
  WorkerOptions,
  WorkerState,
} from './types.js'
