import { makeAdapter } from '@livestore/adapter-node'
import { createStorePromise, type Store } from '@livestore/livestore'
import { Logger, LogLevel } from 'effect'
import { type QueueSchema, schema } from '../../schema/index.js'
import { GroupCommit } from './groupCommit.js'
import { resolveDataDir } from './dataDir.js'
import { acquireLock, type Lock } from './lockFile.js'
import { PersistenceWatch } from './persistence.js'
import { makeSyncOptions } from '../replica/syncOptions.js'
import type { AdapterDevtools } from '../devtools/options.js'

export type OpenStoreOptions = {
  /** Where the store lives. (Default: `$LIVEQUEUE_DATA_DIR`, else `./.livequeue`) */
  dataDir?: string
  /** Keep everything in memory: nothing survives the process. (Default: false) */
  inMemory?: boolean
  /** LiveStore store id; one data dir can hold several. (Default: `livequeue`) */
  storeId?: string
  /** Push every event to this LiveStore sync backend (sync-cf) for read replicas. (Default: none) */
  syncUrl?: string
  /** Serve LiveStore's devtools for this store (see `prepareDevtools`). (Default: none) */
  devtools?: AdapterDevtools
}

export { resolveDataDir }

/** A store this process owns, with its group commit and (on disk) its lock. */
export type OwnedStore = {
  readonly store: Store<QueueSchema>
  readonly group: GroupCommit
  readonly dataDir: string | null
  readonly lock: Lock | null
  /** Flushes everything committed, shuts the store down, releases the lock. */
  close(): Promise<void>
}

/** LiveStore logs to stdout at debug level in development; the CLI's stdout must stay clean. */
const quietLogger = Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.logfmtLogger))

export const openStore = async (options: OpenStoreOptions = {}): Promise<OwnedStore> => {
  const storeId = options.storeId ?? 'livequeue'
  const dataDir = options.inMemory ? null : resolveDataDir(options.dataDir)
  // Checked before the lock is taken: a bad URL opens nothing.
  const sync = options.syncUrl ? await makeSyncOptions(options.syncUrl) : undefined
  const lock = dataDir === null ? null : acquireLock(dataDir)
  try {
    const store = await createStorePromise({
      schema,
      storeId,
      adapter: makeAdapter({
        storage: dataDir === null ? { type: 'in-memory' } : { type: 'fs', baseDirectory: dataDir },
        ...(sync ? { sync } : {}),
        ...(options.devtools ? { devtools: options.devtools } : {}),
      }),
      disableDevtools: options.devtools === undefined,
      logger: quietLogger,
      logLevel: LogLevel.Warning,
    })
    return wrap(store, dataDir, lock)
  } catch (error) {
    lock?.release()
    throw error
  }
}

/** Wraps a store someone else opened (an app's own store): the queue does not own its lifetime. */
export const adoptStore = (store: Store<any>): OwnedStore => {
  const watch = new PersistenceWatch(store)
  const group = new GroupCommit(store, watch)
  return {
    store,
    group,
    dataDir: null,
    lock: null,
    async close() {
      await group.drain()
      watch.dispose()
    },
  }
}

const wrap = (store: Store<QueueSchema>, dataDir: string | null, lock: Lock | null): OwnedStore => {
  const watch = new PersistenceWatch(store)
  const group = new GroupCommit(store, watch)
  let closing: Promise<void> | null = null
  return {
    store,
    group,
    dataDir,
    lock,
    close() {
      closing ??= (async () => {
        try {
          await group.drain()
          watch.dispose()
          await store.shutdownPromise()
        } finally {
          lock?.release()
        }
      })()
      return closing
    },
  }
}
