import type { Store } from '@livestore/livestore'
import { GroupCommit } from '../store/groupCommit.js'
import type { OwnedStore } from '../store/openStore.js'
import type { PersistenceWatch } from '../store/persistence.js'
import { ReplicaReadOnly } from './errors.js'

/**
 * The group commit of a replica: every queue command commits through `GroupCommit.submit`, so
 * refusing here refuses any write that gets past the `Replica`'s own guards. Reads still call
 * `flush`, which finds an empty batch and does nothing; hence no persistence watch is needed.
 */
class RefusingGroup extends GroupCommit {
  constructor(store: Store<any>) {
    super(store, undefined as unknown as PersistenceWatch)
  }
  override submit(): Promise<void> {
    return Promise.reject(new ReplicaReadOnly({ operation: 'commit' }))
  }
}

/** A replica's store in the shape the queue's read functions take. */
export const readOnlyStore = (store: Store<any>): OwnedStore => {
  let closing: Promise<void> | null = null
  return {
    store,
    group: new RefusingGroup(store),
    dataDir: null,
    lock: null,
    writeHealth: { state: 'ok' },
    onReplaced: () => () => {},
    enter: () => () => {},
    close() {
      closing ??= store.shutdownPromise()
      return closing
    },
  }
}
