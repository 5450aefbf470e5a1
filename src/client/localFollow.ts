import { activityHead$ } from '../../schema/queries.js'
import type { TaskQueue } from '../taskQueue/TaskQueue.js'
import type { ActivityEntry } from '../queue/types.js'
import type { ActivityStream, ActivityStreamOptions } from './activityStream.js'

const BATCH = 1000

/** A local follower; `catchUp` is for a store about to be swapped for the next epoch's (src/replica). */
export type LocalActivityStream = ActivityStream & {
  /**
   * Hands over every entry the current store holds after the cursor (waiting for a read in
   * progress), then moves the cursor to at least `through`: the last seq of a sealed epoch, so
   * that reading the next epoch's store goes on after it, missing and repeating nothing.
   */
  catchUp(through: number): Promise<void>
}

/**
 * `activityStream` for a store this process opened: a live query on the activity head (no
 * polling) wakes a reader that hands over every entry after the last one seen, in order, once.
 */
export const followLocal = (
  queue: Pick<TaskQueue, 'store' | 'subscribe' | 'activity'>,
  opts: ActivityStreamOptions,
  onEntry: (entry: ActivityEntry) => void,
): LocalActivityStream => {
  let since = opts.since ?? queue.store.query(activityHead$)
  let closed = false
  let again = false
  let pass: Promise<void> | null = null
  let settle: (error?: unknown) => void = () => {}
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error))
  })
  done.catch(() => {}) // observed through `done`

  const filters = { taskId: opts.taskId, queue: opts.queue, type: opts.type }
  const loop = async () => {
    try {
      do {
        again = false
        for (;;) {
          const entries = await queue.activity({ ...filters, since, limit: BATCH })
          for (const entry of entries) {
            if (closed) return
            // The cursor only moves forward: nothing is handed over twice, also across a store swap.
            if (entry.seq <= since) continue
            since = entry.seq
            onEntry(entry)
          }
          if (entries.length < BATCH) break
        }
      } while (again && !closed)
    } catch (error) {
      stop(error)
    } finally {
      // In the same turn as the last `again` check (the loop always awaits a read first).
      pass = null
    }
  }
  // One pass at a time; a newer head arriving mid-pass makes it read once more. Resolves when
  // the pass (and any pass it was asked for) is over.
  const read = (): Promise<void> => {
    if (pass) {
      again = true
      return pass
    }
    pass = loop()
    return pass
  }

  // Reading inside the subscription's update cycle is not allowed: defer it.
  const unsubscribe = queue.subscribe(activityHead$, () => void setImmediate(read))
  const stop = (error?: unknown) => {
    if (closed) return
    closed = true
    queueMicrotask(unsubscribe)
    settle(error)
  }
  const catchUp = async (through: number) => {
    if (closed) return
    await read()
    since = Math.max(since, through)
  }
  // A local follower reads the store directly: it knows where it starts at once.
  return { close: () => stop(), done, catchUp, started: Promise.resolve() }
}
