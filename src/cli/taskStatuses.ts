import type { TaskStatus } from '../queue/types.js'

/**
 * Every task status, in lifecycle order. Spelled out here rather than read from the schema so the
 * CLI can parse its command line without loading LiveStore; the type below keeps the two in step.
 */
export const TASK_STATUSES = ['pending', 'processing', 'completed', 'failed', 'cancelled'] as const satisfies ReadonlyArray<TaskStatus>

/** Compile-time check: a status added to the schema must be added above. */
export const allStatusesListed: [TaskStatus] extends [(typeof TASK_STATUSES)[number]] ? true : never = true
