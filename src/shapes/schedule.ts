import * as Schema from 'effect/Schema'
import type { ScheduleTask } from '../scheduler/types.js'
import { CatchUp } from './statuses.js'

/** What each fire enqueues: an enqueue input, checked by `EnqueueInputSchema` when the schedule is set. */
const Template = Schema.declare((u: unknown): u is ScheduleTask => typeof u === 'object' && u !== null && typeof (u as { type?: unknown }).type === 'string', {
  jsonSchema: { type: 'object', description: 'the task each fire enqueues: an enqueue input without delay, runAt, dependsOn, idempotencyKey or id' },
})

/** A recurring task's schedule, with its next fire time. */
export const Schedule = Schema.mutable(
  Schema.Struct({
    name: Schema.String,
    cron: Schema.NullOr(Schema.String),
    everyMs: Schema.NullOr(Schema.Number),
    timeZone: Schema.NullOr(Schema.String),
    task: Template,
    catchUp: CatchUp,
    enabled: Schema.Boolean,
    createdAt: Schema.Number,
    updatedAt: Schema.Number,
    lastSlotAt: Schema.NullOr(Schema.Number),
    lastTaskId: Schema.NullOr(Schema.String),
    /** When it fires next, computed now (null when paused or when no slot is left). */
    nextFireAt: Schema.NullOr(Schema.Number),
  }),
).annotations({ identifier: 'Schedule' })
export type Schedule = typeof Schedule.Type
