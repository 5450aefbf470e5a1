import * as path from 'node:path'
import type { OpenSubject } from '../subject.js'
import { SqliteWorker } from '../worker/sqliteWorker.js'
import { SqliteQueue, type Synchronous } from './sqliteQueue.js'

const RUNNER_ID = 'bench-runner'

/** The better-sqlite3 queue in `dir/queue.db`. Synchronous: each call is done (committed) on return. */
export const openSqliteBaseline =
  (synchronous: Synchronous): OpenSubject =>
  async (dir) => {
    const queue = new SqliteQueue(path.join(dir, 'queue.db'), synchronous)
    let worker: SqliteWorker | null = null
    return {
      name: 'better-sqlite3',
      enqueue: (task) => {
        const id = queue.enqueue(task)
        worker?.notify()
        return id
      },
      enqueueMany: (tasks) => {
        const ids = queue.enqueueMany(tasks)
        worker?.notify()
        return ids
      },
      startWorker: async (concurrency, events) => {
        worker = new SqliteWorker(queue, concurrency, events)
        return worker
      },
      claim: (limit) => queue.claim({ runnerId: RUNNER_ID, limit }),
      complete: (executionId) => queue.complete(executionId, null),
      count: (status) => queue.countByStatus(status),
      close: () => queue.close(),
    }
  }
