import type { TaskQueue } from '../taskQueue/TaskQueue.js'
import type { ActivityEntry } from '../queue/types.js'
import type { ActivityStream, ActivityStreamOptions } from './activityStream.js'
import type { QueueApi } from './QueueApi.js'
import { RemoteQueue } from './RemoteQueue.js'

/**
 * The live activity stream over either transport: the host's SSE stream for a RemoteQueue, a
 * live query for a store this process opened. Every entry after `since` (default: from now on)
 * reaches `onEntry` once, in order.
 */
export const followActivity = async (queue: QueueApi, opts: ActivityStreamOptions, onEntry: (entry: ActivityEntry) => void): Promise<ActivityStream> => {
  if (queue instanceof RemoteQueue) return queue.activityStream(opts, onEntry)
  // Only a TaskQueue is not remote; its module (LiveStore) is loaded already.
  const { followLocal } = await import('./localFollow.js')
  return followLocal(queue as TaskQueue, opts, onEntry)
}
