import * as fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { makeAdapter, makeWorkerAdapter } from '@livestore/adapter-node'
import { createStorePromise, makeShutdownDeferred, type Store, StoreInternalsSymbol } from '@livestore/livestore'
import { Cause, Deferred, Effect, Exit, Logger, LogLevel } from 'effect'
import { schema } from '../../schema/index.js'
import type { StorageUnavailable } from '../errors.js'
import { GroupCommit } from '../store/groupCommit.js'
import { resolveDataDir } from '../store/dataDir.js'
import { type EpochOptions, makeEpochPlan } from '../epochs/plan.js'
import { Journal, journalFile } from '../store/journal.js'
import { acquireLock } from '../store/lockFile.js'
import { applyLiveStorePatch } from '../store/livestorePatch.js'
import type { OwnedStore } from '../store/ownedStore.js'
import type { WriteHealth } from '../store/epochPlan.js'
import { ManagedStore, type OpenedStore } from '../store/managedStore.js'
import { afterOpen, beforeOpen, openFailed } from '../store/storeGuard.js'
import { PersistenceWatch } from '../store/persistence.js'
import { quietTracer } from '../store/quietTracer.js'
import { cacheLeaderStatements } from '../store/statementCache.js'
import { describeShutdown } from '../store/shutdownReason.js'
import { makeSyncOptions } from '../sync/syncOptions.js'
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
  /** When an fs store rotates into a new epoch (docs/design.md, "Epochs"). (Default: 50,000 events (`LIVEQUEUE_EPOCH_EVENTS`), 10,000 finished tasks or 7 days) */
  epochs?: EpochOptions
  /**
   * `fdatasync` the journal on every group commit, so acknowledged writes survive a power loss or
   * kernel crash, not only a process crash (LiveStore's own files are never synced). Costs one
   * disk flush per commit (bench/README.md, "Journal"). (Default: `$LIVEQUEUE_FSYNC` = 1, else false)
   */
  fsync?: boolean
  /**
   * Run LiveStore's leader (its materializing and SQLite writes) in a worker thread, on the
   * second core (bench/README.md, "Leader thread"). (Default: `$LIVEQUEUE_LEADER_THREAD` = 1, else false)
   */
  leaderThread?: boolean
}

export { resolveDataDir }

export type { OwnedStore }

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

/**
 * The leader worker's module. Built, it sits next to this file's directory; run from the
 * TypeScript sources (the test runner), a worker thread cannot load \`.ts\`, so the build's is used.
 */
const leaderWorkerUrl = (): URL => {
  const beside = new URL('../store/leaderWorker.js', import.meta.url)
  return fs.existsSync(fileURLToPath(beside)) ? beside : new URL('../../dist/src/store/leaderWorker.js', import.meta.url)
}

export const openStore = async (options: OpenStoreOptions = {}): Promise<OwnedStore> => {
  applyLiveStorePatch()
  const base = options.storeId ?? 'livequeue'
  const dataDir = options.inMemory ? null : resolveDataDir(options.dataDir)
  // Checked before the lock is taken: a bad URL opens nothing.
  const sync = options.syncUrl ? await makeSyncOptions(options.syncUrl) : undefined
  const lock = dataDir === null ? null : acquireLock(dataDir)
  let managed: ManagedStore | null = null
  const leaderThread = options.leaderThread ?? process.env.LIVEQUEUE_LEADER_THREAD === '1'
  const openLiveStore = async (storeId: string): Promise<OpenedStore> => {
    const shutdownDeferred = Effect.runSync(makeShutdownDeferred)
    const store = await createStorePromise({
      schema,
      storeId,
      adapter: leaderThread
        ? makeWorkerAdapter({
            storage: dataDir === null ? { type: 'in-memory' } : { type: 'fs', baseDirectory: dataDir },
            workerUrl: leaderWorkerUrl(),
            ...(options.syncUrl ? { workerExtraArgs: { syncUrl: options.syncUrl } } : {}),
            ...(options.devtools ? { devtools: options.devtools } : {}),
          })
        : makeAdapter({
            storage: dataDir === null ? { type: 'in-memory' } : { type: 'fs', baseDirectory: dataDir },
            ...(sync ? { sync } : {}),
            ...(options.devtools ? { devtools: options.devtools } : {}),
          }),
      disableDevtools: options.devtools === undefined,
      logger: loggerFor(() => managed?.noteLiveStoreError()),
      logLevel: LogLevel.Warning,
      shutdownDeferred,
      // LiveStore's default no-op tracer costs 4–5 % of a busy host's CPU (src/store/quietTracer.ts).
      otelOptions: { tracer: quietTracer },
    }).catch((error) => {
      throw dataDir === null ? error : openFailed(dataDir, storeId, error)
    })
    // The leader runs in this thread: keep its compiled statements (src/store/statementCache.ts).
    if (!leaderThread) cacheLeaderStatements(store[StoreInternalsSymbol].clientSession.sqliteDb)
    const shutDown = Effect.runPromise(Deferred.await(shutdownDeferred).pipe(Effect.exit)).then((exit) =>
      Exit.isSuccess(exit) ? 'LiveStore shut the store down' : describeShutdown(Cause.pretty(exit.cause)),
    )
    return { store, shutDown }
  }
  const fsync = options.fsync ?? process.env.LIVEQUEUE_FSYNC === '1'
  const openJournal = (storeId: string): Journal | null => (dataDir === null ? null : Journal.open(journalFile(dataDir, storeId), { sync: fsync }))
  try {
    // An fs store rotates into epochs (src/epochs): the registry says which store is current.
    const epochs = dataDir === null ? null : makeEpochPlan({ dataDir, base, ...(options.epochs ?? {}) })
    const storeId = epochs?.currentStoreId() ?? base
    // Refuses a damaged store (StoreCorrupt) before anything is written into the data dir.
    if (dataDir !== null) await beforeOpen(dataDir, storeId)
    managed = await ManagedStore.open({ storeId, openLiveStore, openJournal, dataDir, lock, epochs, syncing: sync !== undefined })
    // A store sealed by a rotation that did not finish (a crash before the switch) takes no more
    // writes: finish the rotation before anyone writes.
    if (epochs?.isSealed(managed.store)) await managed.rotate()
    if (dataDir !== null) afterOpen(dataDir)
    return managed
  } catch (error) {
    await managed?.close()
    lock?.release()
    throw error
  }
}

const noop = () => {}

/** Wraps a store someone else opened (an app's own store): the queue does not own its lifetime. */
export const adoptStore = (store: Store<any>): OwnedStore => {
  applyLiveStorePatch()
  const watch = new PersistenceWatch(store)
  const queuedListeners = new Set<() => void>()
  const group = new GroupCommit(store, watch, null, undefined, undefined, () => {
    for (const listener of [...queuedListeners]) listener()
  })
  return {
    store,
    group,
    dataDir: null,
    lock: null,
    writeHealth: { state: 'ok' },
    commitTotals: group.totals,
    // The app owns this store's lifetime: it is never reopened or rotated under the queue.
    onReplaced: () => () => {},
    onQueuedSubmitted: (listener) => {
      queuedListeners.add(listener)
      return () => queuedListeners.delete(listener)
    },
    enter: () => noop,
    async close() {
      await group.drain()
      watch.dispose()
    },
  }
}
