import { State } from '@livestore/livestore'
import { BreakerState } from '../src/shapes/statuses.js'

/** Each worker's circuit breaker per task type, as last reported. */
export const circuitBreakers = State.SQLite.table({
  name: 'circuitBreakers',
  columns: {
    runnerId: State.SQLite.text(),
    type: State.SQLite.text(),
    state: State.SQLite.text({ schema: BreakerState, default: 'closed' }),
    consecutiveFailures: State.SQLite.integer({ default: 0 }),
    changedAt: State.SQLite.integer(),
    reopensAt: State.SQLite.integer({ nullable: true }),
  },
  indexes: [{ name: 'circuitBreakers_pk', columns: ['runnerId', 'type'], isUnique: true }],
})
export type CircuitBreakerRow = typeof circuitBreakers.Type
