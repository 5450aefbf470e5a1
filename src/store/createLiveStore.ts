/**
 * LiveStore's `createStorePromise` (0.4.0), with one difference: the store's fibers (the client
 * session's, and the leader's when it runs in this thread) are scheduled on macrotasks
 * (`setImmediate`) instead of microtasks.
 *
 * Why: Effect's default scheduler drains its fibers in microtasks, so after a commit the
 * leader's work on it (persisting, ~5–10 ms of CPU) ran in slices *between* every `await` of the
 * code that the commit had just acknowledged. An idle worker's claim was acknowledged 5 ms after
 * the `enqueue` call, and its handler started only at 13 ms: each of the five awaits from there to
 * the handler waited behind a slice of the leader. On macrotasks the leader runs once the
 * acknowledged code has reached its next real wait. Measured (bench/README.md, "Round 3"): pickup
 * p50 13.9 → 5.0 ms and 18.4 → 7.7 ms in paired probe runs, end to end at 20 slots 487 → 549 and
 * 549 → 605 tasks/s (the leader's work also batches better). Only LiveStore's fibers move:
 * Effect's default scheduler, which the app and @effect/platform use, is left as it is.
 */
import { createStore, type CreateStoreOptions, type Store } from '@livestore/livestore'
import { LogConfig, provideOtel } from '@livestore/common'
import { Effect, Scheduler, Scope } from 'effect'
import type { Tracer } from '@opentelemetry/api'

/** Runs each batch of ready fibers in a macrotask of its own. */
export const macrotaskScheduler = Scheduler.makeBatched((runBatch) => setImmediate(runBatch))

type Options = CreateStoreOptions<any, any> & { otelOptions: { tracer: Tracer } }

export const createLiveStore = ({ otelOptions, ...options }: Options): Promise<Store<any>> => {
  const program = Effect.gen(function* () {
    const scope = yield* Scope.make()
    return yield* createStore(options).pipe(Scope.extend(scope))
  }).pipe(
    provideOtel({ otelTracer: otelOptions.tracer }),
    Effect.annotateLogs({ thread: 'window' }),
    LogConfig.withLoggerConfig(options, { threadName: 'window' }),
    Effect.withScheduler(macrotaskScheduler),
  )
  return Effect.runPromise(program as Effect.Effect<Store<any>, unknown, never>)
}
