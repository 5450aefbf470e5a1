import { NEXT_DUE_SQL } from '../../schema/eligible.js'
import { cancelRequested$, pendingWork$ } from '../../schema/queries.js'
import type { TaskQueue } from '../taskQueue/TaskQueue.js'
import type { ExecutionRef, WorkFilter } from './backend.js'

/** setTimeout's largest delay; a later due time just re-arms when this fires. */
const MAX_TIMER_MS = 2_147_483_647

/**
 * Reactive pickup on a store this process owns, no polling. Something can become claimable only
 * when pending work changes (the `pendingWork$` subscription: enqueue, retry scheduled,
 * dependency completed, queue resumed) or a delayed task comes due (ONE timer, armed for the
 * earliest future `processAfter` of this worker's types). Both call `wake`. Returns a stop function.
 */
export const watchPendingWork = (queue: TaskQueue, filter: WorkFilter, wake: () => void, onError: (e: unknown) => void): (() => void) => {
  let timer: NodeJS.Timeout | null = null
  let armedFor: number | null = null
  let stopped = false
  const bindValues = { types: JSON.stringify(filter.types), queues: filter.queues ? JSON.stringify(filter.queues) : null }

  const arm = () => {
    if (stopped) return
    let at: number | null
    try {
      const rows = queue.store.query({ query: NEXT_DUE_SQL, bindValues: { ...bindValues, now: queue.now() } }) as ReadonlyArray<{ at: number | null }>
      at = rows[0]?.at ?? null
    } catch (error) {
      return onError(error)
    }
    if (at === armedFor && timer !== null) return
    if (timer !== null) clearTimeout(timer)
    timer = null
    armedFor = at
    if (at === null) return
    // `claim` takes tasks with `processAfter <= now`; +1 ms guards against a timer firing early.
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - queue.now() + 1))
    timer = setTimeout(() => {
      timer = null
      armedFor = null
      wake()
      // The task that came due is no longer "future": this arms for the next one, if any.
      arm()
    }, delay)
  }

  // Never commit inside a subscription callback: `wake` only schedules the claim loop, and the
  // timer's query runs outside the update cycle.
  const unsubscribe = queue.subscribe(pendingWork$, () => {
    wake()
    setImmediate(arm)
  })
  arm()
  return () => {
    stopped = true
    unsubscribe()
    if (timer !== null) clearTimeout(timer)
    timer = null
  }
}

/** Running executions whose task was asked to cancel, from the store's live query. Returns a stop function. */
export const watchCancelRequests = (queue: TaskQueue, cancel: (refs: ExecutionRef[]) => void): (() => void) =>
  queue.subscribe(cancelRequested$, (rows) => {
    const refs = rows.filter((r) => r.currentExecutionId !== null).map((r) => ({ taskId: r.id, executionId: r.currentExecutionId }))
    // Out of the subscription's update cycle: aborting runs the handler's listeners, which may commit.
    if (refs.length > 0) setImmediate(() => cancel(refs))
  })
