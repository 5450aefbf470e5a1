import { State } from '@livestore/livestore'

/**
 * Where this store stands among the queue's epochs (issue 13). At most two rows:
 * - `sealed` (from `v1.EpochSealed`, in an old store): the queue continues in `storeId`, epoch
 *   `epoch`; `activitySeq` is this store's last activity seq; `at` when it was sealed.
 * - `seeded` (from `v1.EpochSeeded`, in a new store): this store is epoch `epoch`, seeded from
 *   `storeId`; its activity continues after `activitySeq`; `at` is null (the event carries no time).
 * A store with no row is epoch 0 that was never sealed, or a store from before epochs.
 */
export const epochState = State.SQLite.table({
  name: 'epochState',
  columns: {
    key: State.SQLite.text({ primaryKey: true }),
    epoch: State.SQLite.integer(),
    storeId: State.SQLite.text(),
    activitySeq: State.SQLite.integer(),
    at: State.SQLite.integer({ nullable: true }),
  },
})
export type EpochStateRow = typeof epochState.Type
