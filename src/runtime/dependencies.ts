import type { ErrorInfo, Task, TaskStatus } from '../queue/types.js'

/**
 * How one of a task's dependencies ended, as its handler sees it in `ctx.dependencies`. A task
 * runs once every dependency completed, so `status` is `completed` unless the task was enqueued
 * with `onDependencyFailure: 'run'` (then `failed` or `cancelled` says which did not complete);
 * `missing` when the dependency was pruned meanwhile.
 */
export type DependencyOutcome = {
  id: string
  /** The dependency's task type; null when it is missing. */
  type: string | null
  status: TaskStatus | 'missing'
  /** Its result when it completed, else null. */
  result: unknown
  /** Why it failed (its last error), else null. */
  error: ErrorInfo | null
  /** Why the queue cancelled it, when it did. */
  cancelReason: string | null
}

/** Reads at a time: a report over 1,000 dependencies must not open 1,000 requests to a host at once. */
const READS_AT_ONCE = 8

const outcomeOf = (task: Task): DependencyOutcome => ({
  id: task.id,
  type: task.type,
  status: task.status,
  result: task.status === 'completed' ? task.result : null,
  error: task.lastError,
  cancelReason: task.cancelReason ?? null,
})

/**
 * The dependencies of `task`, in `dependsOn` order, read through the handler's queue (a local
 * `get`, or the host's HTTP API for a remote worker; both look into the archives of sealed epochs).
 * Read once, before the handler starts; a read that fails fails the attempt (it is retried).
 */
export const readDependencies = async (get: (taskId: string) => Promise<Task>, task: Pick<Task, 'dependsOn'>): Promise<DependencyOutcome[]> => {
  const ids = task.dependsOn
  const outcomes: DependencyOutcome[] = new Array(ids.length)
  let next = 0
  const reader = async () => {
    while (next < ids.length) {
      const i = next++
      const id = ids[i] as string
      try {
        outcomes[i] = outcomeOf(await get(id))
      } catch (error) {
        if ((error as { _tag?: string })?._tag !== 'TaskNotFound') throw error
        outcomes[i] = { id, type: null, status: 'missing', result: null, error: null, cancelReason: null }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(READS_AT_ONCE, ids.length) }, reader))
  return outcomes
}
