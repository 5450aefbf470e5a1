import { State } from '@livestore/livestore'

/**
 * One row per (task, dependency): lets a completion unblock its dependents with one indexed update.
 * `settled` = 1 once the dependency no longer holds the task back (it completed, or it failed or
 * was cancelled and the task runs anyway): the task's `blockedBy` counts its unsettled rows, and a
 * row is settled at most once, so a dependency retried by hand can never unblock a task twice.
 */
export const taskDependencies = State.SQLite.table({
  name: 'taskDependencies',
  columns: {
    taskId: State.SQLite.text(),
    dependsOnId: State.SQLite.text(),
    settled: State.SQLite.integer({ default: 0 }),
  },
  indexes: [
    { name: 'taskDependencies_pk', columns: ['taskId', 'dependsOnId'], isUnique: true },
    { name: 'taskDependencies_dependsOn', columns: ['dependsOnId'] },
  ],
})
export type TaskDependencyRow = typeof taskDependencies.Type
