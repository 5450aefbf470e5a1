import { DependencyCycle, ValidationError } from '../errors.js'
import type { WorkerTaskRow } from '../../schema/workerTasks.js'
import { type QueueContext, select } from './context.js'
import type { QueuedPayload } from './validateInput.js'

type DependencyRow = { id: string; type: string; status: string }

const ENDED = ['failed', 'cancelled']
const ended = (status: string) => ENDED.includes(status)
const how = (d: DependencyRow) => (d.status === 'failed' ? 'failed for good' : 'was cancelled')

/**
 * Every dependency exists (in the store or in this batch), the batch adds no cycle, and no task
 * waits for a dependency that already failed for good or was cancelled, unless it runs anyway
 * (`onDependencyFailure: 'run'`). Such a task is refused rather than queued and cancelled at once:
 * the producer learns it now, in the answer to its call, and a dependent never sits in the queue
 * for a dependency that cannot complete. One that ends later cancels it (the materializer's
 * cascade, schema/materializers/dependencyOutcome.ts); the read here sees the open group commit,
 * so there is no moment between the two.
 */
export const checkDependencies = (
  ctx: QueueContext,
  fresh: ReadonlyArray<QueuedPayload>,
  batchIds: ReadonlyMap<string, number>,
  at: (i: number, field: string) => string,
) => {
  const outside = [...new Set(fresh.flatMap((p) => p.dependsOn.filter((d) => !batchIds.has(d))))]
  if (outside.length > 0) {
    const found = new Map(
      select<DependencyRow>(ctx, 'SELECT id, type, status FROM workerTasks WHERE id IN (SELECT value FROM json_each($ids))', {
        ids: JSON.stringify(outside),
      }).map((r) => [r.id, r]),
    )
    fresh.forEach((p, i) => {
      for (const id of p.dependsOn) {
        if (batchIds.has(id)) continue
        const dep = found.get(id)
        if (dep === undefined) {
          throw new ValidationError({ field: at(i, 'dependsOn'), reason: `no task with id ${id}; depend only on existing tasks` })
        }
        if (ended(dep.status) && p.onDependencyFailure !== 'run') {
          throw new ValidationError({
            field: at(i, 'dependsOn'),
            reason: `task ${id} (${dep.type}) ${how(dep)}, so this task could never run; retry ${id} first, or enqueue with onDependencyFailure: 'run'`,
          })
        }
      }
    })
  }
  // Existing tasks cannot depend on new ones, so a cycle can only run through this batch.
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === 'done') return
    if (state.get(id) === 'visiting') throw new DependencyCycle({ path: [...path.slice(path.indexOf(id)), id] })
    state.set(id, 'visiting')
    const index = batchIds.get(id)
    for (const dep of index === undefined ? [] : (fresh[index]?.dependsOn ?? [])) visit(dep, [...path, id])
    state.set(id, 'done')
  }
  for (const p of fresh) visit(p.id, [])
}

/**
 * A task cancelled because a dependency failed or was cancelled cannot be retried while that
 * dependency stays so: it would wait forever. Retry the dependency first (then this task).
 */
export const checkRetryDependencies = (ctx: QueueContext, row: Pick<WorkerTaskRow, 'id' | 'dependsOn' | 'onDependencyFailure'>) => {
  if (row.onDependencyFailure === 'run' || row.dependsOn === '[]') return
  const taskId = row.id
  ctx.owned.group.flushIfTouched(JSON.parse(row.dependsOn) as string[])
  const [dep] = select<DependencyRow>(
    ctx,
    `SELECT p.id, p.type, p.status FROM taskDependencies d JOIN workerTasks p ON p.id = d.dependsOnId
     WHERE d.taskId = $taskId AND d.settled = 0 AND p.status IN ('failed', 'cancelled') ORDER BY p.id LIMIT 1`,
    { taskId },
  )
  if (dep !== undefined) {
    throw new ValidationError({
      field: 'taskId',
      reason: `task ${taskId} depends on ${dep.id} (${dep.type}), which ${how(dep)}; retry ${dep.id} first, then this task`,
    })
  }
}
