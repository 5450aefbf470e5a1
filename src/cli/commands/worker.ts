import { Command } from '@effect/cli'
import { Effect } from 'effect'
import { CommandFailed, UsageError } from '../errors.js'
import { prepareWorker, workerServer } from '../runWorker.js'
import { effectConfig } from '../spec/toEffect.js'
import { type WorkerValues, workerSpec } from '../spec/worker.js'

/**
 * `livequeue worker --server URL --workers ./handlers.js`: the same worker runtime and handler
 * API as `serve --workers`, in another process or machine, over the host's HTTP API. It waits
 * for the host when it is not up yet and rides out host restarts (calls retried with backoff,
 * running handlers keep running). SIGINT/SIGTERM stop it gracefully (no new claims; running
 * tasks finish within the grace period; RunnerStopped), exit 0; a second signal aborts the
 * running tasks, which are given back to the queue.
 *
 * A plain command line with a host runs on the quick path instead (quick/worker.ts: same spec,
 * same runWorker.ts, without @effect/cli); this handles the rest (help, usage errors, no host).
 */
export const workerCommand = Command.make('worker', effectConfig(workerSpec.options, workerSpec.args), (config) =>
  Effect.gen(function* () {
    const values = config as unknown as WorkerValues
    const server = workerServer(values)
    if (server === undefined) return yield* Effect.fail(new UsageError({ reason: 'give the host to work for: --server URL (or $LIVEQUEUE_SERVER)' }))
    const failed = (error: unknown) => new CommandFailed({ error, json: false })
    const worker = yield* Effect.tryPromise({ try: () => prepareWorker(values, server), catch: failed })
    // From here until a signal's handler (set by prepareWorker) has stopped the worker and
    // exited, the CLI runtime's own interrupt on SIGINT must not cut the stop short: uninterruptible.
    return yield* Effect.uninterruptible(Effect.tryPromise({ try: () => worker.start(), catch: failed }).pipe(Effect.zipRight(Effect.never)))
  }),
).pipe(Command.withDescription(workerSpec.description))
