/**
 * Every event livequeue commits. A shipped event is never edited: a change is a new `v2.*`
 * event and the old materializer stays, so history replays.
 */
import { epochSealed, epochSeeded } from './epoch.js'
import { checkpointSaved, executionsLogged } from './logs.js'
import { queuePaused, queueResumed } from './queue.js'
import { rateLimitCleared, rateLimitSet, taskRateLimited } from './rateLimit.js'
import { scheduleFired, schedulePaused, scheduleRemoved, scheduleResumed, scheduleSet } from './schedule.js'
import { circuitBreakerChanged, runnerHeartbeat, runnerStarted, runnerStopped } from './runner.js'
import {
  taskCancelled,
  taskCancelRequested,
  taskClaimed,
  taskCompleted,
  taskEscalated,
  taskFailed,
  taskHeartbeat,
  taskLeaseExpired,
  nextTasksClaimed,
  taskProgress,
  taskQueued,
  taskRetried,
  tasksClaimed,
  tasksCompleted,
  tasksPruned,
  tasksQueued,
} from './task.js'

export * from './shapes.js'
export { LoggedLine } from './logs.js'
export { EpochRow, type EpochSealed, type EpochSeeded } from './epoch.js'

export const events = {
  taskQueued,
  tasksQueued,
  taskClaimed,
  tasksClaimed,
  nextTasksClaimed,
  taskHeartbeat,
  taskProgress,
  taskCompleted,
  tasksCompleted,
  taskFailed,
  taskLeaseExpired,
  taskCancelRequested,
  taskCancelled,
  taskEscalated,
  taskRetried,
  tasksPruned,
  queuePaused,
  queueResumed,
  runnerStarted,
  runnerHeartbeat,
  runnerStopped,
  circuitBreakerChanged,
  scheduleSet,
  scheduleRemoved,
  schedulePaused,
  scheduleResumed,
  scheduleFired,
  epochSeeded,
  epochSealed,
  executionsLogged,
  checkpointSaved,
  rateLimitSet,
  rateLimitCleared,
  taskRateLimited,
}
