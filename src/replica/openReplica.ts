import { makeAdapter } from '@livestore/adapter-node'
import { createStorePromise, makeShutdownDeferred, nanoid } from '@livestore/livestore'
import { Cause, Deferred, Effect, Exit, Logger, LogLevel } from 'effect'
import { schema } from '../../schema/index.js'
import { TaskQueue } from '../taskQueue/TaskQueue.js'
import { followEpochs, type OpenedReplicaStore } from './followEpochs.js'
import { readOnlyStore } from './readOnlyStore.js'
import { Replica } from './Replica.js'
import { makeSyncOptions } from '../sync/syncOptions.js'
import { applyLiveStorePatch } from '../store/livestorePatch.js'
import { quietTracer } from '../store/quietTracer.js'

export type OpenReplicaOptions = {
  /** The sync backend the host pushes to (`livequeue serve --sync-url`), e.g. ws://127.0.0.1:8787. */
  syncUrl: string
  /** The host's store id. (Default: `livequeue`) */
  storeId?: string
  /**
   * How long `openReplica` waits for the backend's history before it resolves anyway (then it
   * fills in as events arrive). (Default: 10000)
   */
  initialSyncTimeoutMs?: number
  /**
   * After the host sealed the store (a rotation into a new epoch), how long to wait for the next
   * store's seed to arrive before switching to it anyway. (Default: 30000)
   */
  epochSeedTimeoutMs?: number
}

/** LiveStore's reason, pretty-printed as JSON with a stack: its first message is enough for a log line. */
const shortReason = (pretty: string): string => (/Exception: ([^\n\\"]+)/.exec(pretty)?.[1] ?? pretty.split('\n')[0] ?? 'sync failed').slice(0, 300)

const quietLogger = Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.logfmtLogger))

/**
 * Opens a read replica: an in-memory LiveStore store with the queue's schema that pulls the
 * host's events from the sync backend and keeps pulling (live). It holds nothing of its own,
 * so it can be thrown away and reopened at any time. See `Replica`.
 *
 * When the host rotates its queue into a new epoch (issue 13), the replica follows: it opens the
 * next store id the sealed store names, from the same backend, and swaps it in. Opened on an old,
 * sealed store id, it follows the chain before it resolves, so it starts on the current store.
 */
export const openReplica = async (opts: OpenReplicaOptions): Promise<Replica> => {
  applyLiveStorePatch()
  const sync = await makeSyncOptions(opts.syncUrl)
  const open = async (storeId: string): Promise<OpenedReplicaStore> => {
    const shutdownDeferred = Effect.runSync(makeShutdownDeferred)
    const store = await createStorePromise({
      schema,
      storeId,
      adapter: makeAdapter({
        storage: { type: 'in-memory' },
        // Its own client id: a replica never commits, but LiveStore names sessions by client.
        clientId: `replica-${nanoid(8)}`,
        // A sync error shuts this store down (instead of pulling no more, silently): the replica
        // then opens it again (src/replica/followEpochs.ts). An unreachable backend is retried.
        sync: { ...sync, onSyncError: 'shutdown', initialSyncOptions: { _tag: 'Blocking', timeout: opts.initialSyncTimeoutMs ?? 10_000 } },
      }),
      disableDevtools: true,
      logger: quietLogger,
      logLevel: LogLevel.Warning,
      shutdownDeferred,
      otelOptions: { tracer: quietTracer },
    })
    const died = Effect.runPromise(Deferred.await(shutdownDeferred).pipe(Effect.exit)).then((exit) =>
      Exit.isSuccess(exit) ? 'LiveStore shut the store down' : shortReason(Cause.pretty(exit.cause)),
    )
    return { store, died }
  }
  const initial = await open(opts.storeId ?? 'livequeue')
  const owned = readOnlyStore(initial.store)
  const replica = new Replica(new TaskQueue(owned), opts.syncUrl, (hooks) =>
    followEpochs({ owned, initial, open, ...hooks, ...(opts.epochSeedTimeoutMs === undefined ? {} : { seedTimeoutMs: opts.epochSeedTimeoutMs }) }),
  )
  try {
    await replica.epochsSettled()
  } catch (error) {
    await replica.close().catch(() => {})
    throw error
  }
  return replica
}
