import { type DirIdentity, dirRemoved } from '../store/dirIdentity.js'

export { dirIdentity } from '../store/dirIdentity.js'

/**
 * The last step of a host's stop: flush and close the store, within a bound. A data dir
 * removed under a running host (`rm -rf`) left nothing to flush into: the stop failed on the
 * lock file (exit 1 before the store was closed), and a flush waiting on a leader whose
 * writes fail never ends. Now the close gets `CLOSE_TIMEOUT_MS`, and a removed (or replaced)
 * data dir is reported: `stop` rejects, so `serve` prints "stopping failed: …" and exits 1.
 * A normal close of a 10k-event store takes well under a second; 15 s is for a loaded machine.
 */
export const CLOSE_TIMEOUT_MS = 15_000

export const closeWithin = async (close: () => Promise<void>, identity: DirIdentity | null, timeoutMs = CLOSE_TIMEOUT_MS): Promise<void> => {
  const gone = dirRemoved(identity)
  const lost = gone
    ? `the data dir ${identity?.dir} was removed (or replaced) while the host ran, so the store files it started with are gone; restore the data dir from a backup`
    : ''
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`closing the store did not finish within ${timeoutMs / 1000} s, exiting without a flush${gone ? `: ${lost}` : ''}`)),
      timeoutMs,
    )
  })
  try {
    await Promise.race([close(), timeout])
  } finally {
    clearTimeout(timer)
  }
  if (gone) throw new Error(lost)
}
