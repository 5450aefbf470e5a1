/**
 * The LiveStore leader in a worker thread (`LIVEQUEUE_LEADER_THREAD=1`, `openQueue({ leaderThread:
 * true })`): the leader's materializing and its SQLite writes run on a second core while the
 * host's thread applies commits to the client session, answers HTTP and runs handlers. Loaded by
 * `makeWorkerAdapter` (src/taskQueue/openStore.ts); its arguments come from `workerExtraArgs`.
 */
import { getWorkerArgs, makeWorker } from '@livestore/adapter-node/worker'
import { schema } from '../../schema/index.js'
import { makeSyncOptions } from '../sync/syncOptions.js'
import { applyLiveStorePatch } from './livestorePatch.js'
import { quietTracer } from './quietTracer.js'

// The leader's sync states are built in this thread: patch its copy of LiveStore too.
applyLiveStorePatch()
const args = getWorkerArgs().extraArgs as { syncUrl?: string } | undefined
const sync = args?.syncUrl ? await makeSyncOptions(args.syncUrl) : undefined
makeWorker({ schema, otelOptions: { tracer: quietTracer }, ...(sync ? { sync } : {}) })
