import { createWorkerRuntime } from './createWorker.js'
import { localBackend } from './localBackend.js'
import type { Worker, WorkerOptions } from './types.js'

/**
 * `createWorker` of the `livequeue` entry: on a queue this process opened (`queue`, with the
 * lease reaper), on a host over HTTP (`server`), or on a backend of your own. Remote workers can
 * import the same function from `livequeue/client`, which loads no LiveStore.
 */
export const createWorker = (options: WorkerOptions): Worker => createWorkerRuntime(options, localBackend)
