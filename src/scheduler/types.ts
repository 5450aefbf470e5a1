import type { EnqueueInput } from '../queue/types.js'

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
  catchUp?: 'skip' | 'once'
}

export type Schedule = {
  name: string
  cron: string | null
  everyMs: number | null
  timeZone: string | null
  task: ScheduleTask
  catchUp: 'skip' | 'once'
  enabled: boolean
  createdAt: number
  updatedAt: number
  lastSlotAt: number | null
  lastTaskId: string | null
  /** When it fires next, computed now (null when paused or when no slot is left). */
  nextFireAt: number | null
}
