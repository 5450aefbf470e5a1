export { type Fired, slotKey } from './fire.js'
export { Scheduler } from './Scheduler.js'
export { MAX_COUNTED_SLOTS, nextSlot, parseCron, slotsBetween, type Timing } from './slots.js'
export type { Schedule, ScheduleInput, ScheduleTask } from './types.js'
