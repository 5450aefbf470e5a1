import { followLocal } from '../client/localFollow.js'
import type { TaskQueue } from '../taskQueue/TaskQueue.js'
import type { ActivityEntry } from '../queue/types.js'

const time = (ms: number) => new Date(ms).toISOString().slice(11, 23)

export const formatActivity = (a: ActivityEntry): string =>
  `${time(a.at)}  ${a.kind.padEnd(18)} ${(a.type ?? '').padEnd(14)} ${a.taskId ? a.taskId.slice(-12) : ''.padEnd(12)}  ${a.summary}`

/** Prints the activity stream as it grows (a live query, no polling). Returns a function that stops it. */
export const followActivity = (queue: TaskQueue, write: (line: string) => void): (() => void) => {
  const stream = followLocal(queue, {}, (entry) => write(formatActivity(entry)))
  return () => stream.close()
}
