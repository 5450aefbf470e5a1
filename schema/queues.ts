import { State } from '@livestore/livestore'

/** Named queues that have been paused or resumed; a queue with no row is running. */
export const queues = State.SQLite.table({
  name: 'queues',
  columns: {
    name: State.SQLite.text({ primaryKey: true }),
    paused: State.SQLite.integer({ default: 0 }),
    updatedAt: State.SQLite.integer(),
  },
})
export type QueueRow = typeof queues.Type
