import type { Store } from '@livestore/livestore'
import type { TaskDefinition } from '../tasks/defineTask.js'
import { adoptStore, type OpenStoreOptions, openStore } from './openStore.js'
import { TaskQueue } from './TaskQueue.js'

export type OpenQueueOptions = OpenStoreOptions & {
  /** Run on a store the caller opened (an app's own schema with the queue merged in). */
  store?: Store<any>
  /** The clock. (Default: Date.now) */
  now?: () => number
  /** Randomness for retry jitter. (Default: Math.random) */
  random?: () => number
  /** Largest payload or result, in bytes of JSON. (Default: 1 MiB) */
  maxPayloadBytes?: number
  /** Declared task types (`defineTask`): defaults and payload schemas applied at enqueue. (Default: none) */
  tasks?: Iterable<TaskDefinition>
}

/** Opens (or creates) a queue: an fs store in the data dir, in memory, or an app's own store. */
export const openQueue = async (opts: OpenQueueOptions = {}): Promise<TaskQueue> => {
  const owned = opts.store ? adoptStore(opts.store) : await openStore(opts)
  return new TaskQueue(owned, opts)
}
