import type { EnqueueInput } from '../queue/types.js'
import type { Schedule } from '../shapes/schedule.js'
import type { CatchUp } from '../shapes/statuses.js'

/** What each fire enqueues: an enqueue input without timing, dependencies, id or idempotency key. */
export type ScheduleTask = Omit<EnqueueInput, 'delay' | 'runAt' | 'dependsOn' | 'idempotencyKey' | 'id'>

export type ScheduleInput = {
  /** A cron expression: 5 fields, or 6 with seconds first ("30 0 3 * * *": 03:00:30). Excludes `every`. */
  cron?: string
  /** An IANA time zone for `cron`. (Default: UTC) */
  timeZone?: string
  /** A fixed interval in ms, or a duration like "30s", "5m". Excludes `cron`. */
  every?: number | string
  task: ScheduleTask
  /** After downtime: `skip` fires only future slots; `once` fires one task for the missed slots. (Default: skip) */
  catchUp?: CatchUp
}

// The answer's shape is an Effect Schema in src/shapes/schedule.ts (the HTTP API documents the same one).
export type { Schedule }
