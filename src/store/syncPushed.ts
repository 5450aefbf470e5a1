import type { Store } from '@livestore/livestore'

/** How long closing a store waits for its sync backend to have every event. */
export const PUSH_WAIT_MS = 10_000

/**
 * Resolves true once the store's sync backend has every event the leader has (the leader's
 * `upstreamHead` is the backend's confirmed head), false after `timeoutMs`. A store sealed by a
 * rotation is never opened again, so closing it before its last events (the seal among them)
 * reached the backend would leave read replicas on it for good (seen in 3 of 5 replica runs).
 * Uses LiveStore's `_dev.syncStates()`, the only place 0.4.0 exposes the leader's sync state.
 */
export const syncPushed = async (store: Store<any>, timeoutMs = PUSH_WAIT_MS): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const { leader } = await store._dev.syncStates()
      if (leader.upstreamHead.global >= leader.localHead.global) return true
    } catch {
      return false // shut down: nothing more will be pushed
    }
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
