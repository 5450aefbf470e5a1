import { State } from '@livestore/livestore'

/** The worker registry: every runtime that claimed work, and when it was last seen. */
export const runners = State.SQLite.table({
  name: 'runners',
  columns: {
    id: State.SQLite.text({ primaryKey: true }),
    host: State.SQLite.text(),
    pid: State.SQLite.integer(),
    types: State.SQLite.text({ default: '[]' }),
    concurrency: State.SQLite.integer(),
    startedAt: State.SQLite.integer(),
    lastSeenAt: State.SQLite.integer(),
    status: State.SQLite.text({ default: 'running' }),
  },
})
export type RunnerRow = typeof runners.Type
