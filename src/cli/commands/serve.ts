import { Command, Options } from '@effect/cli'
import { Effect, Option } from 'effect'
import { CommandFailed } from '../errors.js'
import { common } from '../options.js'
import { boundedInteger } from '../parse.js'
import { archiveKeepDaysOption } from './archive.js'

const workers = Options.text('workers').pipe(
  Options.withPseudoName('MODULE'),
  Options.withDescription('A handlers module (default export: task type → handler) run by in-process workers.'),
  Options.optional,
)
const concurrency = boundedInteger('concurrency', 1, 1000, 'In-process handler slots. (Default: 3)').pipe(Options.optional)
const demo = Options.boolean('demo').pipe(
  Options.withDescription(
    'Run the demo producer that the --workers module exports as `demo` (the example agents enqueue example work every 15 s: what `npm start` does).',
  ),
)
const quiet = Options.boolean('quiet').pipe(Options.withDescription('Do not print the activity stream.'))
const host = Options.text('host').pipe(
  Options.withPseudoName('ADDRESS'),
  Options.withDescription('Where the HTTP API listens. A non-loopback address needs tokens (`livequeue token create`). (Default: 127.0.0.1)'),
  Options.withDefault('127.0.0.1'),
)
const syncUrl = Options.text('sync-url').pipe(
  Options.withPseudoName('URL'),
  Options.withDescription('Push every event to this LiveStore sync backend (sync-cf, e.g. ws://127.0.0.1:8787 from `npm run sync:dev`) for read replicas.'),
  Options.optional,
)
const devtools = Options.boolean('devtools').pipe(
  Options.withDescription(
    "Serve LiveStore's devtools for the store and print their URL (needs @livestore/devtools-vite and vite; the page asks for a LiveStore sponsor licence; `livequeue query` is the open alternative).",
  ),
)
const devtoolsPort = boundedInteger('devtools-port', 1, 65535, 'Where the devtools listen (on 127.0.0.1). (Default: 4242)').pipe(Options.withDefault(4242))
const port = boundedInteger('port', 0, 65535, 'The HTTP port; 0 picks a free one (see the printed URL). (Default: 7420)').pipe(Options.withDefault(7420))

/**
 * `livequeue serve`: the queue host. It owns the data dir (one process per store), serves the
 * HTTP API (its URL goes into the lock file, so the CLI goes through it), runs the in-process
 * workers and prints the activity stream live. SIGINT/SIGTERM stop it gracefully (no new
 * requests, in-flight ones finish, running tasks finish within the grace period, the store is
 * flushed) and it exits 0; a second signal aborts the running tasks (recorded as interrupted,
 * retried later) and still flushes. Serving a non-loopback address without tokens exits 1.
 */
export const serveCommand = Command.make(
  'serve',
  { ...common, workers, concurrency, demo, quiet, host, port, syncUrl, devtools, devtoolsPort, archiveKeepDays: archiveKeepDaysOption },
  (c) =>
    Effect.gen(function* () {
      const { startHost } = yield* Effect.promise(() => import('../../host/startHost.js'))
      const { onShutdownSignals } = yield* Effect.promise(() => import('../../runtime/signals.js'))
      const host = yield* Effect.tryPromise({
        try: () =>
          startHost({
            ...(c.dataDir ? { dataDir: c.dataDir } : {}),
            ...(Option.isSome(c.workers) ? { workers: c.workers.value } : {}),
            ...(Option.isSome(c.concurrency) ? { concurrency: c.concurrency.value } : {}),
            demo: c.demo,
            followActivity: !c.quiet,
            http: { host: c.host, port: c.port },
            ...(Option.isSome(c.syncUrl) ? { syncUrl: c.syncUrl.value } : {}),
            ...(c.devtools ? { devtools: { port: c.devtoolsPort } } : {}),
            ...(Option.isSome(c.archiveKeepDays) ? { archiveKeepDays: c.archiveKeepDays.value } : {}),
          }),
        catch: (error) => new CommandFailed({ error, json: c.json }),
      })
      onShutdownSignals({ running: () => host.worker?.running() ?? 0, stop: ({ force }) => host.stop({ force }) })
      // Runs until a signal: the handler above stops the host and exits; the CLI runtime's own
      // interrupt on SIGINT must not cut that short, hence uninterruptible.
      return yield* Effect.uninterruptible(Effect.never)
    }),
).pipe(Command.withDescription('Run the queue host: owns the data dir, serves the HTTP API, runs in-process workers, prints activity live.'))
