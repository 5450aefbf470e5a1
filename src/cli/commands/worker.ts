import { Command, Options } from '@effect/cli'
import { Effect, Option } from 'effect'
import { CommandFailed, UsageError } from '../errors.js'
import { MAX_LEASE_MS } from '../../limits.js'
import { boundedInteger, durationOption } from '../parse.js'

const text = (name: string, pseudo: string, description: string) =>
  Options.text(name).pipe(Options.withPseudoName(pseudo), Options.withDescription(description), Options.optional)

const config = {
  server: text('server', 'URL', 'The livequeue host to work for, e.g. http://127.0.0.1:7420. (Default: $LIVEQUEUE_SERVER)'),
  token: text('token', 'TOKEN', 'Bearer token with the worker role (from `livequeue token create`). (Default: $LIVEQUEUE_TOKEN)'),
  workers: Options.text('workers').pipe(
    Options.withPseudoName('MODULE'),
    Options.withDescription('A handlers module (default export: task type → handler; optional `escalation` export).'),
  ),
  concurrency: boundedInteger('concurrency', 1, 1000, 'Handlers running at once. (Default: 3)').pipe(Options.optional),
  queues: text('queues', 'A,B', 'Only claim from these named queues. (Default: all)'),
  lease: durationOption('lease', 'How long a claim holds its task between heartbeats; at most 24h. (Default: 2m)', MAX_LEASE_MS).pipe(Options.optional),
  heartbeat: durationOption('heartbeat', 'How often running tasks extend their lease. (Default: 30s)').pipe(Options.optional),
  grace: durationOption('grace', 'How long a stop lets running tasks finish before aborting them. (Default: 30s)').pipe(Options.optional),
  quiet: Options.boolean('quiet').pipe(Options.withDescription('Do not print a line per task.')),
}

const nonEmpty = (o: Option.Option<string>, env: string | undefined): string | undefined => {
  const value = Option.getOrUndefined(o) ?? env
  return value === undefined || value === '' ? undefined : value
}

const some = <A, K extends string>(key: K, o: Option.Option<A>): { [P in K]?: A } => (Option.isSome(o) ? ({ [key]: o.value } as { [P in K]: A }) : {})

/**
 * `livequeue worker --server URL --workers ./handlers.js`: the same worker runtime and handler
 * API as `serve --workers`, in another process or machine, over the host's HTTP API. It waits
 * for the host when it is not up yet and rides out host restarts (calls retried with backoff,
 * running handlers keep running). SIGINT/SIGTERM stop it gracefully (no new claims; running
 * tasks finish within the grace period; RunnerStopped), exit 0; a second signal aborts the
 * running tasks, which are given back to the queue.
 */
export const workerCommand = Command.make('worker', config, (c) =>
  Effect.gen(function* () {
    const server = nonEmpty(c.server, process.env.LIVEQUEUE_SERVER)
    if (server === undefined) return yield* Effect.fail(new UsageError({ reason: 'give the host to work for: --server URL (or $LIVEQUEUE_SERVER)' }))
    const token = nonEmpty(c.token, process.env.LIVEQUEUE_TOKEN)
    const queues = Option.isSome(c.queues)
      ? c.queues.value
          .split(',')
          .map((q) => q.trim())
          .filter((q) => q !== '')
      : undefined
    const failed = (error: unknown) => new CommandFailed({ error, json: false })
    const { loadHandlers } = yield* Effect.promise(() => import('../../host/loadHandlers.js'))
    // The remote runtime only: a worker process talks HTTP and never loads LiveStore.
    const { createRemoteWorker: createWorker } = yield* Effect.promise(() => import('../../runtime/remoteWorker.js'))
    const { onShutdownSignals } = yield* Effect.promise(() => import('../../runtime/signals.js'))
    const { logWorker } = yield* Effect.promise(() => import('../../runtime/workerLog.js'))
    const module = yield* Effect.tryPromise({ try: () => loadHandlers(c.workers), catch: failed })
    const worker = yield* Effect.try({
      try: () =>
        createWorker({
          server,
          ...(token ? { token } : {}),
          handlers: module.handlers,
          ...(module.escalation ? { escalation: module.escalation } : {}),
          ...(queues ? { queues } : {}),
          ...some('concurrency', c.concurrency),
          ...some('leaseMs', c.lease),
          ...some('heartbeatMs', c.heartbeat),
          ...some('shutdownGraceMs', c.grace),
        }),
      catch: failed,
    })
    const write = (line: string) => process.stdout.write(`${line}\n`)
    logWorker(worker, write, { tasks: !c.quiet })
    // A worker that stops by itself (its token was revoked) ends the process, exit 1.
    let fatal = false
    worker.on('worker:fatalError', () => {
      fatal = true
    })
    worker.on('worker:stop', () => {
      if (fatal) setImmediate(() => process.exit(1))
    })
    // Before start: a signal while the host is still unreachable must stop the wait too.
    onShutdownSignals({ running: () => worker.running(), stop: ({ force }) => worker.stop({ force }) })
    write(`livequeue worker (pid ${process.pid})`)
    write(`  host:    ${server}`)
    write(`  workers: ${worker.types.join(', ')} (concurrency ${Option.getOrElse(c.concurrency, () => 3)}, runner ${worker.runnerId})`)
    write(`  queues:  ${queues ? queues.join(', ') : 'all'}`)
    write('  stop:    Ctrl-C (waits for running tasks; press again to abort them)')
    // From here until a signal's handler above has stopped the worker and exited, the CLI
    // runtime's own interrupt on SIGINT must not cut the stop short: uninterruptible.
    return yield* Effect.uninterruptible(
      Effect.gen(function* () {
        yield* Effect.tryPromise({ try: () => worker.start(), catch: failed })
        if (worker.state() === 'running') write(`${new Date().toISOString().slice(11, 23)}  registered with the host; claiming`)
        return yield* Effect.never
      }),
    )
  }),
).pipe(Command.withDescription('Run handlers for a livequeue host over HTTP: the same worker runtime as serve --workers, in another process.'))
