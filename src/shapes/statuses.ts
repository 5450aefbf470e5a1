import * as Schema from 'effect/Schema'

/**
 * The enum-like values of the queue's tables and public shapes, one schema each: the tables give
 * them to their columns (schema/), so rows read back typed, and the shapes in this folder use them.
 */

export const TaskStatus = Schema.Literal('pending', 'processing', 'completed', 'failed', 'cancelled')
export type TaskStatus = typeof TaskStatus.Type

export const ExecutionStatus = Schema.Literal('running', 'completed', 'failed', 'timedOut', 'cancelled', 'expired', 'interrupted', 'rateLimited')
export type ExecutionStatus = typeof ExecutionStatus.Type

/** What a dependency that fails for good or is cancelled does to a task that depends on it. */
export const OnDependencyFailure = Schema.Literal('cancel', 'run').annotations({
  description: 'when a dependency fails for good or is cancelled: cancel this task too, or run it anyway',
})
export type OnDependencyFailure = typeof OnDependencyFailure.Type

/** A task's priority: an integer 0–100, higher first (named ones in `PRIORITIES`). */
export const Priority = Schema.Int.pipe(Schema.between(0, 100)).annotations({ description: 'an integer 0–100; higher runs first' })

export const BreakerState = Schema.Literal('closed', 'open', 'halfOpen')
export type BreakerState = typeof BreakerState.Type

/** After downtime: `skip` fires only future slots; `once` fires one task for the missed slots. */
export const CatchUp = Schema.Literal('skip', 'once')
export type CatchUp = typeof CatchUp.Type
