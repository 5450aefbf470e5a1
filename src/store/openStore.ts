import * as path from 'node:path'
import { makeAdapter } from '@livestore/adapter-node'
import { createStorePromise, makeShutdownDeferred, type Store } from '@livestore/livestore'
import { Cause, Deferred, Effect, Exit, Logger, LogLevel } from 'effect'
import { type QueueSchema, schema } from '../../schema/index.js'
import type { StorageUnavailable } from '../errors.js'
import { GroupCommit } from './groupCommit.js'
import { resolveDataDir } from './dataDir.js'
import { Journal } from './journal.js'
import { acquireLock, type Lock } from './lockFile.js'
import { ManagedStore, type OpenedStore, type WriteHealth } from './managedStore.js'
import { afterOpen, beforeOpen, openFailed } from './storeGuard.js'
import { PersistenceWatch } from './persistence.js'
import { describeShutdown } from './shutdownReason.js'
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
  onReplaced(listener: () => void): () => void
  /** Flushes everything committed, shuts the store down, releases the lock. */
  close(): Promise<void>
}

export type { StorageUnavailable, WriteHealth }

/**
 * LiveStore logs to stdout at debug level in development; the CLI's stdout must stay clean. Its
 * error logs also tell the store's watchdog to look closer: when the leader's `COMMIT` fails, a
 * log line is the only sign LiveStore gives (the store itself stays up, see ManagedStore).
 */
const loggerFor = (onError: () => void) => {
  const base = Logger.withConsoleError(Logger.logfmtLogger)
  return Logger.replace(
    Logger.defaultLogger,
    Logger.make((options) => {
      if (LogLevel.greaterThanEqual(options.logLevel, LogLevel.Error)) onError()
      base.log(options)
    }),
  )
}

/** The write-ahead journal's file, beside LiveStore's own files for the store. */
export const journalFile = (dataDir: string, storeId: string): string => path.join(dataDir, `${storeId}.journal`)

export const openStore = async (options: OpenStoreOptions = {}): Promise<OwnedStore> => {
  const storeId = options.storeId ?? 'livequeue'
  const dataDir = options.inMemory ? null : resolveDataDir(options.dataDir)
  // Checked before the lock is taken: a bad URL opens nothing.
  const sync = options.syncUrl ? await makeSyncOptions(options.syncUrl) : undefined
  const lock = dataDir === null ? null : acquireLock(dataDir)
  let managed: ManagedStore | null = null
  const openLiveStore = async (): Promise<OpenedStore> => {
    const shutdownDeferred = Effect.runSync(makeShutdownDeferred)
    const store = await createStorePromise({
      schema,
      storeId,
      adapter: makeAdapter({
        storage: dataDir === null ? { type: 'in-memory' } : { type: 'fs', baseDirectory: dataDir },
        ...(sync ? { sync } : {}),
        ...(options.devtools ? { devtools: options.devtools } : {}),
      }),
      disableDevtools: options.devtools === undefined,
      logger: loggerFor(() => managed?.noteLiveStoreError()),
      logLevel: LogLevel.Warning,
      shutdownDeferred,
    }).catch((error) => {
      throw dataDir === null ? error : openFailed(dataDir, storeId, error)
    })
    const shutDown = Effect.runPromise(Deferred.await(shutdownDeferred).pipe(Effect.exit)).then((exit) =>
      Exit.isSuccess(exit) ? 'LiveStore shut the store down' : describeShutdown(Cause.pretty(exit.cause)),
    )
    return { store, shutDown }
  }
  let journal: Journal | null = null
  try {
    // Refuses a damaged store (StoreCorrupt) before anything is written into the data dir.
    if (dataDir !== null) await beforeOpen(dataDir, storeId)
    journal = dataDir === null ? null : Journal.open(journalFile(dataDir, storeId))
    managed = await ManagedStore.open({ openLiveStore, journal, dataDir, lock })
    if (dataDir !== null) afterOpen(dataDir)
    return managed
  } catch (error) {
    journal?.close()
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
    writeHealth: { state: 'ok' },
    // The app owns this store's lifetime: it is never reopened under the queue.
    onReplaced: () => () => {},
    async close() {
      await group.drain()
      watch.dispose()
    },
  }
}
