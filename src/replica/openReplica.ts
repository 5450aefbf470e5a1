import { makeAdapter } from '@livestore/adapter-node'
import { createStorePromise, nanoid } from '@livestore/livestore'
import { Logger, LogLevel } from 'effect'
import { schema } from '../../schema/index.js'
import { TaskQueue } from '../queue/TaskQueue.js'
import { readOnlyStore } from './readOnlyStore.js'
import { Replica } from './Replica.js'
import { makeSyncOptions } from './syncOptions.js'

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
}

const quietLogger = Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.logfmtLogger))

/**
 * Opens a read replica: an in-memory LiveStore store with the queue's schema that pulls the
 * host's events from the sync backend and keeps pulling (live). It holds nothing of its own,
 * so it can be thrown away and reopened at any time. See `Replica`.
 */
export const openReplica = async (opts: OpenReplicaOptions): Promise<Replica> => {
  const sync = await makeSyncOptions(opts.syncUrl)
  const store = await createStorePromise({
    schema,
    storeId: opts.storeId ?? 'livequeue',
    adapter: makeAdapter({
      storage: { type: 'in-memory' },
      // Its own client id: a replica never commits, but LiveStore names sessions by client.
      clientId: `replica-${nanoid(8)}`,
      sync: { ...sync, initialSyncOptions: { _tag: 'Blocking', timeout: opts.initialSyncTimeoutMs ?? 10_000 } },
    }),
    disableDevtools: true,
    logger: quietLogger,
    logLevel: LogLevel.Warning,
  })
  return new Replica(new TaskQueue(readOnlyStore(store)), opts.syncUrl)
}
