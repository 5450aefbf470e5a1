import { activityHead$ } from '../../schema/queries.js'
import type { TaskQueue } from '../queue/TaskQueue.js'
import type { ActivityEntry } from '../queue/types.js'

const time = (ms: number) => new Date(ms).toISOString().slice(11, 23)

export const formatActivity = (a: ActivityEntry): string =>
  `${time(a.at)}  ${a.kind.padEnd(18)} ${(a.type ?? '').padEnd(14)} ${a.taskId ? a.taskId.slice(-12) : ''.padEnd(12)}  ${a.summary}`

/**
 * Prints the activity stream as it grows: a live subscription on the activity table (no
 * polling) that prints every entry after the last one printed. Returns a function that stops it.
 */
export const followActivity = (queue: TaskQueue, write: (line: string) => void): (() => void) => {
  let since = queue.store.query(activityHead$)
  let scheduled = false
  const printNew = async () => {
    scheduled = false
    for (;;) {
      const entries = await queue.activity({ since, limit: 500 }).catch(() => [])
      for (const e of entries) write(formatActivity(e))
      if (entries.length === 0) return
      since = entries[entries.length - 1]!.seq
    }
  }
  return queue.store.subscribe(activityHead$, () => {
    // Read outside the subscription's update cycle.
    if (scheduled) return
    scheduled = true
    setImmediate(() => void printNew())
  })
}
