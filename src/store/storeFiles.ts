import * as path from 'node:path'
import { liveStoreStorageFormatVersion } from '@livestore/common'
import { schema } from '../../schema/index.js'

/**
 * Where @livestore/adapter-node keeps a store on disk (leader-thread-shared.js in 0.4.0):
 * `<dataDir>/<storeId>/eventlog@6.db`, the event log (table `eventlog`, the source of truth),
 * and `state<schema hash>@6.db`, the tables materialized from it (rebuilt from the log when
 * missing, e.g. after a schema change, which picks a new file name).
 */
export type StoreFiles = { readonly dir: string; readonly eventlog: string; readonly state: string }

export const storeFiles = (dataDir: string, storeId: string): StoreFiles => {
  const sqlite = schema.state.sqlite
  const suffix = sqlite.migrations.strategy === 'manual' ? 'fixed' : sqlite.hash.toString()
  const dir = path.join(dataDir, storeId)
  return {
    dir,
    eventlog: path.join(dir, `eventlog@${liveStoreStorageFormatVersion}.db`),
    state: path.join(dir, `state${suffix}@${liveStoreStorageFormatVersion}.db`),
  }
}
