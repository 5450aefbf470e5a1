import { activityHead$ } from '../../schema/queries.js'
import type { TaskQueue } from '../queue/TaskQueue.js'
import type { ActivityEntry } from '../queue/types.js'
import type { ActivityStream, ActivityStreamOptions } from './activityStream.js'

const BATCH = 1000

/**
 * `activityStream` for a store this process opened: a live query on the activity head (no
 * polling) wakes a reader that hands over every entry after the last one seen, in order, once.
 */
export const followLocal = (queue: TaskQueue, opts: ActivityStreamOptions, onEntry: (entry: ActivityEntry) => void): ActivityStream => {
  let since = opts.since ?? queue.store.query(activityHead$)
  let closed = false
  let reading = false
  let again = false
  let settle: (error?: unknown) => void = () => {}
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error))
  })
  done.catch(() => {}) // observed through `done`

  const filters = { taskId: opts.taskId, queue: opts.queue, type: opts.type }
  const read = async () => {
    if (reading) {
      again = true // a newer head arrived mid-read: read once more after this pass
      return
    }
    reading = true
    try {
      do {
        again = false
        for (;;) {
          const entries = await queue.activity({ ...filters, since, limit: BATCH })
          for (const entry of entries) {
            if (closed) return
            since = entry.seq
            onEntry(entry)
          }
          if (entries.length < BATCH) break
        }
      } while (again && !closed)
    } catch (error) {
      stop(error)
    } finally {
      reading = false
    }
  }

  // Reading inside the subscription's update cycle is not allowed: defer it (STYLE.md).
  const unsubscribe = queue.subscribe(activityHead$, () => void setImmediate(read))
  const stop = (error?: unknown) => {
    if (closed) return
    closed = true
    queueMicrotask(unsubscribe)
    settle(error)
  }
  return { close: () => stop(), done }
}
