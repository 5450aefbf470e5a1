import { Events } from '@livestore/livestore'
import { Schema } from 'effect'
import { EpochMs } from './shapes.js'

/** A worker runtime came up. */
export const runnerStarted = Events.synced({
  name: 'v1.RunnerStarted',
  schema: Schema.Struct({
    runnerId: Schema.String,
    host: Schema.String,
    pid: Schema.Int,
    types: Schema.Array(Schema.String),
    concurrency: Schema.Int,
    at: EpochMs,
  }),
})

/** A worker runtime is alive. Infrequent on purpose: events are kept forever. */
export const runnerHeartbeat = Events.synced({
  name: 'v1.RunnerHeartbeat',
  schema: Schema.Struct({ runnerId: Schema.String, at: EpochMs }),
})

/** A worker runtime shut down. */
export const runnerStopped = Events.synced({
  name: 'v1.RunnerStopped',
  schema: Schema.Struct({ runnerId: Schema.String, at: EpochMs }),
})

/**
 * A worker's circuit breaker for a task type changed state: `open` stops claims of the type
 * until `reopensAt` (then `halfOpen` lets one trial through); `closed` is healthy again.
 */
export const circuitBreakerChanged = Events.synced({
  name: 'v1.CircuitBreakerChanged',
  schema: Schema.Struct({
    runnerId: Schema.String,
    type: Schema.String,
    state: Schema.Literal('closed', 'open', 'halfOpen'),
    consecutiveFailures: Schema.Int,
    at: EpochMs,
    reopensAt: Schema.NullOr(EpochMs),
  }),
})
