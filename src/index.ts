/** livequeue: an event-sourced task queue on LiveStore. */
export {
  DependencyCycle,
  ExecutionNotFound,
  InvalidTransition,
  NotClaimant,
  QueueClosed,
  ScheduleNotFound,
  StorageUnavailable,
  StoreCorrupt,
  StoreOpenFailed,
  type QueueError,
  StoreLocked,
  TaskNotFound,
  ValidationError,
  WaitTimedOut,
} from './errors.js'
export { QueryTimedOut } from './query/errors.js'
export {
  type ArchiveInfo,
  applyRetention,
  dropArchive,
  exportArchive,
  listArchives,
  type RetentionResult,
} from './epochs/archiveAdmin.js'
export { ArchiveBusy, ArchiveDropped, ArchiveUnreadable, EpochNotFound, EpochNotSealed } from './epochs/errors.js'
export type { EpochOptions } from './epochs/plan.js'
export type { ActivityOptions } from './queue/activity.js'
export { type ClaimOptions, DEFAULT_LEASE_MS, ELIGIBLE_SQL, ELIGIBLE_WITH_LIMITS_SQL } from './queue/claim.js'
export { parseDuration } from './queue/duration.js'
export type { FailOptions, FailResult } from './queue/fail.js'
export type { PruneOptions } from './queue/prune.js'
export type { Throughput, ThroughputOptions } from './queue/throughput.js'
export { type OpenQueueOptions, openQueue } from './taskQueue/openQueue.js'
export { TaskQueue } from './taskQueue/TaskQueue.js'
export * from './queue/types.js'
export { EnqueueInputSchema } from './queue/validateInput.js'
export { DEFAULT_BACKOFF, DEFAULT_MAX_ATTEMPTS, nominalDelayMs, retryDelayMs } from './retry/backoff.js'
export { resolveDataDir } from './store/dataDir.js'
export * from './runtime/index.js'
export * from './tasks/index.js'
export * from './scheduler/index.js'
export * from './client/index.js'
export { startServer } from './server/index.js'
export * from './replica/index.js'
export * from './limits.js'
