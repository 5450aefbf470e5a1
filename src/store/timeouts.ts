import type { Store } from '@livestore/livestore'
import { StorageUnavailable } from '../errors.js'

/**
 * How long committed events may wait for LiveStore's leader before the store counts as failed.
 * A healthy leader takes a 1,000-event commit in ~1.1 s here; 10 s leaves room for a loaded
 * machine. After LiveStore has logged an error, 1 s (the leader's fiber dies silently when its
 * `COMMIT` fails: the session keeps accepting commits that are never persisted).
 */
export const STALL_MS = Number(process.env.LIVEQUEUE_STALL_MS) > 0 ? Number(process.env.LIVEQUEUE_STALL_MS) : 10_000
export const STALL_AFTER_ERROR_MS = 1_000
/** How long after an error log the shorter wait applies. */
export const ERROR_WINDOW_MS = 30_000
/** How often a failed store is reopened (the disk may have room again). */
export const RECOVER_EVERY_MS = 1_000

/** How long closing a failed store may take before it is abandoned (a dead leader never answers). */
const SHUTDOWN_TIMEOUT_MS = 3_000

/** `promise`, or `StorageUnavailable` naming `what` after `ms`. */
export const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StorageUnavailable({ reason: `${what} took over ${ms} ms` })), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

/** Shuts a store down; a failed one may never answer, so give up after a while. */
export const closeQuietly = async (store: Store<any>): Promise<void> => {
  await withTimeout(store.shutdownPromise(), SHUTDOWN_TIMEOUT_MS, 'closing the store').catch(() => {})
}
