import { Effect } from 'effect'
import { EXIT } from './errors.js'

/**
 * For commands that run until stopped (`activity --follow`, `watch`): Ctrl-C (or SIGTERM) ends
 * them normally, exit 0, after the queue is closed. `run` gets a promise that resolves on the
 * signal; it should stop what it follows, return, and let `withQueue` close the queue. The
 * effect is uninterruptible because the CLI runtime also interrupts on SIGINT, which would end
 * with exit 130 before the cleanup; a second Ctrl-C still kills the process at once (by then no
 * listener is left, so Node's default applies).
 */
export const untilStopped = <E>(run: (stopped: Promise<void>) => Effect.Effect<void, E>): Effect.Effect<void, E> =>
  Effect.suspend(() => {
    let received = false
    let resolve: () => void = () => {}
    const stopped = new Promise<void>((r) => {
      resolve = r
    })
    const onSignal = () => {
      received = true
      resolve()
    }
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    return run(stopped).pipe(
      Effect.ensuring(
        Effect.sync(() => {
          process.off('SIGINT', onSignal)
          process.off('SIGTERM', onSignal)
        }),
      ),
      Effect.tap(() =>
        Effect.sync(() => {
          if (received) process.exit(EXIT.ok)
        }),
      ),
      Effect.uninterruptible,
    )
  })
