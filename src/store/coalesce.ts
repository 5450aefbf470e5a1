import { events } from '../../events/index.js'
import type { ClaimedTask, CompletedTask, QueuedTask } from '../../events/task.js'

/** An event as `events.x(args)` makes it. */
export type AnyEvent = { name: string; args: unknown }

type Kind<T> = {
  single: string
  batch: string
  /** The items an event of this kind carries. */
  items(event: AnyEvent): ReadonlyArray<T>
  make(items: T[]): AnyEvent
  /** Items of one run must differ in this key (a task claimed or completed twice ends the run). */
  key?(item: T): string
}

const kinds: ReadonlyArray<Kind<any>> = [
  {
    single: 'v1.TaskQueued',
    batch: 'v1.TasksQueued',
    items: (e) => (e.name === 'v1.TaskQueued' ? [e.args as QueuedTask] : (e.args as { tasks: QueuedTask[] }).tasks),
    make: (tasks: QueuedTask[]) => (tasks.length === 1 ? events.taskQueued(tasks[0] as QueuedTask) : events.tasksQueued({ tasks })),
  } satisfies Kind<QueuedTask>,
  {
    single: 'v1.TaskClaimed',
    batch: 'v1.TasksClaimed',
    items: (e) => (e.name === 'v1.TaskClaimed' ? [e.args as ClaimedTask] : (e.args as { claims: ClaimedTask[] }).claims),
    make: (claims: ClaimedTask[]) => (claims.length === 1 ? events.taskClaimed(claims[0] as ClaimedTask) : events.tasksClaimed({ claims })),
    key: (c: ClaimedTask) => c.taskId,
  } satisfies Kind<ClaimedTask>,
  {
    single: 'v1.TaskCompleted',
    batch: 'v1.TasksCompleted',
    items: (e) => (e.name === 'v1.TaskCompleted' ? [e.args as CompletedTask] : (e.args as { completions: CompletedTask[] }).completions),
    make: (completions: CompletedTask[]) =>
      completions.length === 1 ? events.taskCompleted(completions[0] as CompletedTask) : events.tasksCompleted({ completions }),
    key: (c: CompletedTask) => c.taskId,
  } satisfies Kind<CompletedTask>,
]

const kindOf = (event: AnyEvent) => kinds.find((k) => k.single === event.name || k.batch === event.name)

/**
 * Merges each run of neighbouring events of one kind (queued, claimed, completed) into one batch
 * event: a group commit of 1,000 concurrent `enqueue` calls becomes one event instead of 1,000
 * (each event costs milliseconds of CPU in LiveStore, docs/design.md, fact 5). Order is kept: only
 * neighbours merge, and a run ends before a task it already holds comes again, so a batch means
 * exactly what its events would mean one by one.
 */
export const coalesce = (batch: ReadonlyArray<AnyEvent>): AnyEvent[] => {
  const out: AnyEvent[] = []
  let kind: Kind<any> | undefined
  let run: unknown[] = []
  let keys = new Set<string>()
  const closeRun = () => {
    if (kind && run.length > 0) out.push(kind.make(run))
    kind = undefined
    run = []
    keys = new Set()
  }
  for (const event of batch) {
    const k = kindOf(event)
    if (k === undefined) {
      closeRun()
      out.push(event)
      continue
    }
    if (k !== kind) closeRun()
    kind = k
    for (const item of k.items(event)) {
      const key = k.key?.(item)
      if (key !== undefined && keys.has(key)) {
        closeRun()
        kind = k
      }
      if (key !== undefined) keys.add(key)
      run.push(item)
    }
  }
  closeRun()
  return out
}
