import { Events } from '@livestore/livestore'
import { Schema } from 'effect'
import { BackoffPolicy, EpochMs } from './shapes.js'

/** What each fire of a schedule enqueues. */
export const TaskTemplate = Schema.Struct({
  type: Schema.String,
  payload: Schema.Unknown,
  priority: Schema.Int,
  queue: Schema.String,
  maxAttempts: Schema.Int,
  backoff: BackoffPolicy,
  timeoutMs: Schema.NullOr(Schema.Number),
  tags: Schema.Array(Schema.String),
  metadata: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
})
export type TaskTemplate = typeof TaskTemplate.Type

/**
 * A schedule is created or replaced: a cron expression (optional seconds field, optional time
 * zone) or a fixed interval anchored at `at`. Replacing keeps the last fired slot, so a re-set
 * never fires a slot twice.
 */
export const scheduleSet = Events.synced({
  name: 'v1.ScheduleSet',
  schema: Schema.Struct({
    name: Schema.String,
    cron: Schema.NullOr(Schema.String),
    everyMs: Schema.NullOr(Schema.Number),
    timeZone: Schema.NullOr(Schema.String),
    template: TaskTemplate,
    catchUp: Schema.Literal('skip', 'once'),
    at: EpochMs,
    nextSlotAt: Schema.NullOr(EpochMs),
  }),
})

export const scheduleRemoved = Events.synced({
  name: 'v1.ScheduleRemoved',
  schema: Schema.Struct({ name: Schema.String, at: EpochMs }),
})

export const schedulePaused = Events.synced({
  name: 'v1.SchedulePaused',
  schema: Schema.Struct({ name: Schema.String, at: EpochMs }),
})

export const scheduleResumed = Events.synced({
  name: 'v1.ScheduleResumed',
  schema: Schema.Struct({ name: Schema.String, at: EpochMs, nextSlotAt: Schema.NullOr(EpochMs) }),
})

/**
 * A slot fired: `taskId` was enqueued for `slotAt` (with the idempotency key
 * `schedule:<name>:<slot ISO>`, so a slot can never have two tasks). `missedSlots` counts the
 * slots a `once` catch-up stands for.
 */
export const scheduleFired = Events.synced({
  name: 'v1.ScheduleFired',
  schema: Schema.Struct({
    name: Schema.String,
    slotAt: EpochMs,
    taskId: Schema.String,
    missedSlots: Schema.Int,
    nextSlotAt: Schema.NullOr(EpochMs),
    at: EpochMs,
  }),
})
