import { createWorker, openQueue, type TaskQueue } from '../../src/index.js'
import type { OpenSubject, Subject } from '../subject.js'

const RUNNER_ID = 'bench-runner'

/** livequeue on an fs store in `dir`: every promise resolves only after persistence (docs/design.md, fact 1). */
export const openLivequeue: OpenSubject = async (dir) => livequeueSubject(await openQueue({ dataDir: dir }))

/** The workloads' view of a queue, with an in-process worker. */
export const livequeueSubject = (queue: TaskQueue): Subject => {
  return {
    name: 'livequeue',
    enqueue: (task) => queue.enqueue(task),
    enqueueMany: (tasks) => queue.enqueueMany(tasks),
    claim: (limit) => queue.claim({ runnerId: RUNNER_ID, limit }),
    complete: (executionId) => queue.complete(executionId, null),
    count: async (status) => (await queue.stats()).byStatus[status],
    startWorker: async (concurrency, events) => {
      const worker = createWorker({
        queue,
        concurrency,
        handlers: {
          bench: async () => {
            events.onStart()
          },
        },
        hooks: { 'task:success': () => events.onDone() },
      })
      await worker.start()
      return { stop: () => worker.stop() }
    },
    close: () => queue.close(),
    commitTotals: () => ({ ...queue.owned.commitTotals }),
  }
}
