import type { RemoteQueue } from '../client/RemoteQueue.js'
import type { ActivityEntry } from '../queue/types.js'
import type { BackendSignals, WorkFilter } from './backend.js'

/**
 * A remote worker's cancel and lease signals, from the host's activity stream (SSE): a
 * `cancel-requested` entry aborts the handler of that task within a round trip, where waiting
 * for the next heartbeat's answer would take up to `heartbeatMs`; an `expired` entry names the
 * execution whose lease the host's reaper ended. The stream resumes after drops without gaps
 * (Last-Event-ID) and keeps reconnecting while the host restarts. It is filtered by type or
 * queue when the worker has just one; otherwise it carries all activity and the runtime ignores
 * tasks it does not run. Heartbeat and progress answers (`cancelRequested`, `accepted`) remain
 * the fallback. Pickup needs no signal here: claims long-poll. Returns a stop function.
 */
/**
 * How long a worker's start waits for its activity stream to know where it starts before it
 * claims anyway (a host that is down at start: the stream keeps trying, heartbeats cover it).
 */
const STREAM_START_WAIT_MS = 5_000

export const watchActivity = async (client: Pick<RemoteQueue, 'activityStream'>, filter: WorkFilter, signals: BackendSignals): Promise<() => void> => {
  const onEntry = (entry: ActivityEntry) => {
    if (entry.taskId === null) return
    if (entry.kind === 'cancel-requested') signals.cancelRequested([{ taskId: entry.taskId, executionId: null }])
    else if (entry.kind === 'expired') signals.leaseLost([{ taskId: entry.taskId, executionId: entry.executionId }])
  }
  const [type] = filter.types
  const [queue] = filter.queues ?? []
  const stream = client.activityStream(
    {
      // A worker keeps its stream for as long as it runs: a host restart is a drop, not the end.
      retryForMs: Number.POSITIVE_INFINITY,
      ...(filter.types.length === 1 && type !== undefined ? { type } : {}),
      ...(filter.queues?.length === 1 && queue !== undefined ? { queue } : {}),
    },
    onEntry,
  )
  stream.done.catch((error) => signals.error(error, 'activity stream'))
  // Claim only once the stream knows its start: a cancel requested for a task claimed before that
  // point would fall before the stream's head and reach the worker only at its next heartbeat.
  let timer: NodeJS.Timeout | undefined
  await Promise.race([stream.started, new Promise<void>((resolve) => (timer = setTimeout(resolve, STREAM_START_WAIT_MS)))])
  clearTimeout(timer)
  return () => stream.close()
}
