import * as path from 'node:path'
import type { OpenSubject } from '../subject.js'
import { SqliteQueue, type Synchronous } from './sqliteQueue.js'

const RUNNER_ID = 'bench-runner'

/** The better-sqlite3 queue in `dir/queue.db`. Synchronous: each call is done (committed) on return. */
export const openSqliteBaseline =
  (synchronous: Synchronous): OpenSubject =>
  async (dir) => {
    const queue = new SqliteQueue(path.join(dir, 'queue.db'), synchronous)
    return {
      name: 'better-sqlite3',
      enqueue: (task) => queue.enqueue(task),
      enqueueMany: (tasks) => queue.enqueueMany(tasks),
      claim: (limit) => queue.claim({ runnerId: RUNNER_ID, limit }),
      complete: (executionId) => queue.complete(executionId, null),
      count: (status) => queue.countByStatus(status),
      close: () => queue.close(),
    }
  }
