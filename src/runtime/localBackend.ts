import { HOLDS_SQL } from '../../schema/eligible.js'
import type { TaskQueue } from '../taskQueue/TaskQueue.js'
import type { WorkerBackend } from './backend.js'
import { DEFAULT_HEARTBEAT_MS } from './defaults.js'
import { watchCancelRequests, watchPendingWork } from './localSignals.js'
import { Reaper } from './reaper.js'

export { DEFAULT_HEARTBEAT_MS }

/**
 * The worker backend on a TaskQueue this process owns: calls go straight to the queue, pickup
 * is driven by the store's live queries (`pendingWork$` and one timer for the next delayed
 * task), cancellation by the `cancelRequested$` live query, and the lease reaper runs here
 * (this process is the host). The store is the source of truth for `holds` and `cancelRequested`.
 */
export const localBackend = (queue: TaskQueue): WorkerBackend => {
  const holdsRow = (taskId: string, executionId: string, extra = '') => {
    // A report of this task still in the open group commit would not be visible yet.
    queue.owned.group.flushIfTouched([taskId])
    return (queue.store.query({ query: HOLDS_SQL + extra, bindValues: { taskId, executionId } }) as unknown[]).length > 0
  }
  return {
    kind: 'local',
    queue,
    claimWaitMs: 0,
    defaultHeartbeatMs: DEFAULT_HEARTBEAT_MS,
    now: () => queue.now(),
    claim: ({ waitMs: _waitMs, ...opts }) => queue.claim(opts),
    heartbeat: (executionId, opts) => queue.heartbeat(executionId, opts),
    progress: (executionId, fraction, message, opts) => queue.progress(executionId, fraction, message, opts),
    complete: (executionId, result, by) => queue.complete(executionId, result, by),
    fail: (executionId, error, opts) => queue.fail(executionId, error, opts),
    confirmCancelled: (taskId, executionId) => queue.confirmCancelled(taskId, executionId),
    appendLogs: (lines, by) => queue.appendLogs(lines, by),
    saveCheckpoint: (executionId, data, by) => queue.saveCheckpoint(executionId, data, by),
    escalate: (input) => queue.escalate(input),
    get: (taskId) => queue.get(taskId),
    runnerStarted: (info) => queue.runnerStarted(info),
    runnerHeartbeat: (runnerId) => queue.runnerHeartbeat(runnerId),
    runnerStopped: (runnerId) => queue.runnerStopped(runnerId),
    recordBreaker: (change) => queue.recordBreaker(change),
    cancelRequested: async (taskId, executionId) => holdsRow(taskId, executionId, ' AND cancelRequested = 1'),
    holds: async (taskId, executionId) => holdsRow(taskId, executionId),
    async watch(filter, signals) {
      const stopCancels = watchCancelRequests(queue, (refs) => signals.cancelRequested(refs))
      const reaper = new Reaper(
        queue,
        (taskIds) => signals.leaseLost(taskIds.map((taskId) => ({ taskId, executionId: null }))),
        (e) => signals.error(e, 'reaper'),
      )
      try {
        await reaper.start()
      } catch (error) {
        stopCancels()
        throw error
      }
      const stopWork = watchPendingWork(queue, filter, signals.wake, (e) => signals.error(e, 'claim'))
      // A task enqueued in this process while slots are free is claimed in the enqueue's own
      // commit: the handler starts one commit after the call instead of two.
      const stopRiding = queue.owned.onQueuedSubmitted(() => signals.wakeNow())
      return () => {
        stopRiding()
        stopWork()
        reaper.stop()
        stopCancels()
      }
    },
    giveUp: () => {},
    close: async () => {},
  }
}
