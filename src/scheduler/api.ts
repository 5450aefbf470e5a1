import type { QueueContext } from '../queue/context.js'
import { getSchedule, listSchedules, pauseSchedule, removeSchedule, resumeSchedule, setSchedule } from './commands.js'
import type { Schedule, ScheduleInput } from './types.js'

/** How the queue runs a read (`use`) and a command (`useAsync`, through its gate). */
type Use = <T>(fn: (ctx: QueueContext) => T) => T
type UseAsync = <T>(fn: (ctx: QueueContext) => Promise<T>) => Promise<T>

/** `queue.schedules`: recurring tasks, cron or interval schedules, fired by the host's `Scheduler`, once per slot. */
export const schedulesOf = (use: Use, useAsync: UseAsync) => ({
  /** Creates or replaces a schedule. */
  set: (name: string, input: ScheduleInput): Promise<Schedule> => useAsync((ctx) => setSchedule(ctx, name, input)),
  remove: (name: string): Promise<{ name: string; removed: true }> => useAsync((ctx) => removeSchedule(ctx, name)),
  /** Stops firing; slots passed while paused are not caught up. */
  pause: (name: string): Promise<Schedule> => useAsync((ctx) => pauseSchedule(ctx, name)),
  resume: (name: string): Promise<Schedule> => useAsync((ctx) => resumeSchedule(ctx, name)),
  get: async (name: string): Promise<Schedule> => use((ctx) => getSchedule(ctx, name)),
  /** Every schedule with its next fire time. */
  list: async (): Promise<Schedule[]> => use((ctx) => listSchedules(ctx)),
})

export type Schedules = ReturnType<typeof schedulesOf>
