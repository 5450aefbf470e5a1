import type { TaskDefinition } from './defineTask.js'

/**
 * The marks that say a value is a task definition or a handler made by `handle`, and the checks
 * for them, apart from defineTask.ts: that one loads Effect Schema (all of `effect` and
 * fast-check, ~40 MiB RSS), which loading a handlers module (host/loadHandlers.ts) must not
 * cost a remote worker whose handlers use no schema.
 */

/** Marks definitions, across copies of this module (a workers module may bundle its own livequeue). */
export const TASK_DEFINITION = Symbol.for('livequeue.taskDefinition')

/** The definition a handler made by `handle` serves: the host reads it to validate enqueues. */
export const HANDLED_DEFINITION = Symbol.for('livequeue.handledDefinition')

/** Whether `value` is a task definition (from any copy of this module). */
export const isTaskDefinition = (value: unknown): value is TaskDefinition =>
  typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TASK_DEFINITION] === true

/** The definition behind a handler made by `handle`, if any. */
export const definitionOf = (handler: unknown): TaskDefinition | undefined =>
  typeof handler === 'function' ? ((handler as unknown as Record<symbol, unknown>)[HANDLED_DEFINITION] as TaskDefinition | undefined) : undefined
