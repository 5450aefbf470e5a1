import { events } from '../../events/index.js'
import type { QueuedTask } from '../../events/task.js'

/** An event as `events.x(args)` makes it. */
export type AnyEvent = { name: string; args: unknown }

const tasksOf = (event: AnyEvent): ReadonlyArray<QueuedTask> | null =>
  event.name === 'v1.TaskQueued'
    ? [event.args as QueuedTask]
    : event.name === 'v1.TasksQueued'
      ? (event.args as { tasks: ReadonlyArray<QueuedTask> }).tasks
      : null

/**
 * Merges each run of consecutive queued-task events into one `v1.TasksQueued`: a group commit
 * of 1,000 concurrent `enqueue` calls becomes one event instead of 1,000 (each event costs
 * milliseconds of CPU in LiveStore, DESIGN fact 5). Order is kept: only neighbours merge.
 */
export const coalesceQueued = (batch: ReadonlyArray<AnyEvent>): AnyEvent[] => {
  const out: AnyEvent[] = []
  let run: QueuedTask[] = []
  const closeRun = () => {
    if (run.length === 1) out.push(events.taskQueued(run[0] as QueuedTask))
    else if (run.length > 1) out.push(events.tasksQueued({ tasks: run }))
    run = []
  }
  for (const event of batch) {
    const tasks = tasksOf(event)
    if (tasks === null) {
      closeRun()
      out.push(event)
    } else {
      run.push(...tasks)
    }
  }
  closeRun()
  return out
}
