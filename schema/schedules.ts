import { State } from '@livestore/livestore'
import { CatchUp } from '../src/shapes/statuses.js'

/** Recurring tasks: one row per schedule name. Times are ms since the epoch. */
export const schedules = State.SQLite.table({
  name: 'schedules',
  columns: {
    name: State.SQLite.text({ primaryKey: true }),
    cron: State.SQLite.text({ nullable: true }),
    everyMs: State.SQLite.integer({ nullable: true }),
    timeZone: State.SQLite.text({ nullable: true }),
    /** JSON: the task each fire enqueues. */
    template: State.SQLite.text(),
    catchUp: State.SQLite.text({ schema: CatchUp, default: 'skip' }),
    enabled: State.SQLite.integer({ default: 1 }),
    createdAt: State.SQLite.integer(),
    updatedAt: State.SQLite.integer(),
    /** Slots up to here are done: fired (see lastTaskId), or before the schedule was (re)set or resumed. */
    lastSlotAt: State.SQLite.integer({ nullable: true }),
    lastTaskId: State.SQLite.text({ nullable: true }),
    /** As computed when the schedule was last set or fired (`list()` recomputes it from now). */
    nextSlotAt: State.SQLite.integer({ nullable: true }),
  },
})
export type ScheduleRow = typeof schedules.Type
