import { Schema } from 'effect'

/** Milliseconds since the Unix epoch. Every time travels in the event payload (docs/design.md, fact 4). */
export const EpochMs = Schema.Number

export const BackoffStrategy = Schema.Literal('exponential', 'linear', 'fixed', 'fibonacci', 'immediate')
export type BackoffStrategy = typeof BackoffStrategy.Type

/** A retry policy, resolved to concrete numbers when the task is queued. */
export const BackoffPolicy = Schema.Struct({
  strategy: BackoffStrategy,
  baseMs: Schema.Number,
  factor: Schema.Number,
  maxMs: Schema.Number,
  jitter: Schema.Boolean,
})
export type BackoffPolicy = typeof BackoffPolicy.Type

/** What a failed execution leaves behind: kept on the execution and as the task's `lastError`. */
export const ErrorInfo = Schema.Struct({
  type: Schema.String,
  message: Schema.String,
  stack: Schema.NullOr(Schema.String),
})
export type ErrorInfo = typeof ErrorInfo.Type
