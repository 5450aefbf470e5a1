import { makeSchema, State } from '@livestore/livestore'
import { events } from '../events/index.js'
import { activity } from './activity.js'
import { circuitBreakers } from './circuitBreakers.js'
import { epochState } from './epochState.js'
import { executionLogs } from './executionLogs.js'
import { materializers } from './materializers/index.js'
import { queues } from './queues.js'
import { rateLimitClaims, rateLimits } from './rateLimits.js'
import { runners } from './runners.js'
import { schedules } from './schedules.js'
import { taskCheckpoints } from './taskCheckpoints.js'
import { taskDependencies } from './taskDependencies.js'
import { taskExecutions } from './taskExecutions.js'
import { workerTasks } from './workerTasks.js'

export { events } from '../events/index.js'
export * from '../events/shapes.js'
export type { ActivityRow } from './activity.js'
export type { CircuitBreakerRow } from './circuitBreakers.js'
export type { EpochStateRow } from './epochState.js'
export type { ExecutionLogRow } from './executionLogs.js'
export { materializers } from './materializers/index.js'
export * as queries from './queries.js'
export type { QueueRow } from './queues.js'
export { RateLimitScope, type RateLimitClaimRow, type RateLimitRow } from './rateLimits.js'
export type { RunnerRow } from './runners.js'
export type { ScheduleRow } from './schedules.js'
export type { TaskCheckpointRow } from './taskCheckpoints.js'
export { ExecutionStatus, type TaskExecutionRow } from './taskExecutions.js'
export { TaskStatus, type WorkerTaskRow } from './workerTasks.js'

/** The queue's tables, keyed as `makeState` expects; spread them beside an app's own tables. */
export const tables = {
  workerTasks,
  taskExecutions,
  taskDependencies,
  activity,
  queues,
  runners,
  circuitBreakers,
  schedules,
  epochState,
  executionLogs,
  taskCheckpoints,
  rateLimits,
  rateLimitClaims,
}

export const state = State.SQLite.makeState({ tables, materializers })

/** The schema of a store that holds only the queue (the embedded host's default). */
export const schema = makeSchema({ events, state })
export type QueueSchema = typeof schema
