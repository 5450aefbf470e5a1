import type { Store } from '@livestore/livestore'
import type { QueueSchema } from '../../schema/index.js'
import type { GroupCommit } from './groupCommit.js'
import type { Journal } from './journal.js'
import type { PersistenceWatch } from './persistence.js'
import { syncPushed } from './syncPushed.js'
import { closeQuietly } from './timeouts.js'

/** One open LiveStore store with everything the queue keeps beside it. */
export type StoreParts = { storeId: string; store: Store<QueueSchema>; watch: PersistenceWatch; group: GroupCommit; journal: Journal | null }

/**
 * Closes a store the queue is done with (replaced, rotated away from, or at close). With a sync
 * backend it first waits until the backend has every event: a sealed store is never opened
 * again, and replicas follow its seal (src/store/syncPushed.ts).
 */
export const closeParts = async (parts: StoreParts, opts: { syncing: boolean }): Promise<void> => {
  parts.watch.dispose()
  if (opts.syncing && !(await syncPushed(parts.store))) {
    process.stderr.write(`livequeue: the sync backend did not take ${parts.storeId}'s last events in time; replicas may stay on it\n`)
  }
  await closeQuietly(parts.store)
  parts.journal?.close()
}
