import { State } from '@livestore/livestore'

/** One row per (task, dependency): lets a completion unblock its dependents with one indexed update. */
export const taskDependencies = State.SQLite.table({
  name: 'taskDependencies',
  columns: {
    taskId: State.SQLite.text(),
    dependsOnId: State.SQLite.text(),
  },
  indexes: [
    { name: 'taskDependencies_pk', columns: ['taskId', 'dependsOnId'], isUnique: true },
    { name: 'taskDependencies_dependsOn', columns: ['dependsOnId'] },
  ],
})
export type TaskDependencyRow = typeof taskDependencies.Type
