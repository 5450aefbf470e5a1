import type { Store } from '@livestore/livestore'
import type { QueueSchema } from '../../schema/index.js'
import type { WriteHealth } from './epochPlan.js'
import type { CommitTotals, GroupCommit } from './groupCommit.js'
import type { Lock } from './lockFile.js'

/**
 * A store this process owns, with its group commit and (on disk) its lock. `store` and `group`
 * are the current ones: after a storage fault the store is reopened and both change
 * (`onReplaced`); long-lived subscriptions go through `subscribeLive`.
 */
export type OwnedStore = {
  readonly store: Store<QueueSchema>
  readonly group: GroupCommit
  readonly dataDir: string | null
  readonly lock: Lock | null
  /** Whether writes are taken now (`degraded`/`down` after a storage fault, with the error). */
  readonly writeHealth: WriteHealth
  /** LiveStore commits and events since open, across reopened and rotated stores. */
  readonly commitTotals: CommitTotals
  onReplaced(listener: () => void): () => void
  /**
   * Called in the turn that events queueing tasks joined the open group commit, before it commits
   * (`GroupCommit.openQueued`): a claim made now shares that commit. Returns an unsubscribe.
   */
  onQueuedSubmitted(listener: () => void): () => void
  /** A command starts (see TaskQueue.useAsync): returns its `leave`, or a promise of it while the store rotates. */
  enter(): (() => void) | Promise<() => void>
  /** Flushes everything committed, shuts the store down, releases the lock. */
  close(): Promise<void>
}
