import { Events } from '@livestore/livestore'
import { Schema } from 'effect'
import { EpochMs } from './shapes.js'

const Scope = Schema.Literal('type', 'queue')

/** At most `max` claims of tasks of this type (or in this queue) per `perMs`, across all workers. Replaces the previous limit. */
export const rateLimitSet = Events.synced({
  name: 'v1.RateLimitSet',
  schema: Schema.Struct({ scope: Scope, name: Schema.String, max: Schema.Int, perMs: Schema.Int, at: EpochMs }),
})

/** The limit and any pause of this type (or queue) are lifted. */
export const rateLimitCleared = Events.synced({
  name: 'v1.RateLimitCleared',
  schema: Schema.Struct({ scope: Scope, name: Schema.String, at: EpochMs }),
})

/**
 * A handler was rate limited by its provider (`ctx.rateLimited(ms)`): the execution ends
 * `rateLimited`, the task goes back to pending at `retryAt` without using up the attempt, and its
 * whole type is paused until `retryAt` for every worker. Fenced like a failure: ignored unless
 * `executionId` still holds the task.
 */
export const taskRateLimited = Events.synced({
  name: 'v1.TaskRateLimited',
  schema: Schema.Struct({ taskId: Schema.String, executionId: Schema.String, at: EpochMs, retryAt: EpochMs }),
})
