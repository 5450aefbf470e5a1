import { createWorkerRuntime } from './createWorker.js'
import type { Worker, WorkerOptions } from './types.js'

/** A worker on a host over HTTP (`server`) or on a backend of your own: never a queue this process opened. */
export type RemoteWorkerOptions = WorkerOptions & { queue?: undefined }

/**
 * `createWorker` of the `livequeue/client` entry: the same runtime and handler API as
 * `livequeue`'s, without the local backend, so nothing here loads LiveStore.
 */
export const createRemoteWorker = (options: RemoteWorkerOptions): Worker => createWorkerRuntime(options)
