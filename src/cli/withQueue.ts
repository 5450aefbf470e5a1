import { Effect } from 'effect'
import type { QueueApi } from '../client/QueueApi.js'
import { CommandFailed } from './errors.js'
import type { Common, QueueCommon } from './options.js'

/**
 * Connects to the queue, runs `use`, and always closes it before anything is printed: a command
 * reports success only once its events are persisted. The transport (`client/connect.ts`):
 * `--server`/$LIVEQUEUE_SERVER, else the live host that owns the data dir (its lock holds its
 * URL), else the store opened here; output and exit codes are the same through either. Any
 * failure, including one from `close`, becomes `CommandFailed`.
 */
export const withQueue = <A>(common: QueueCommon, use: (queue: QueueApi) => Promise<A>): Effect.Effect<A, CommandFailed> => {
  const failed = (error: unknown) => new CommandFailed({ error, json: common.json })
  // Loaded on first use: --help or a usage error never needs the client or LiveStore. JSON
  // requests go over node:http, as on the quick path (quick/main.ts), so errors read the same.
  const open = async () => {
    const [{ connect }, { nodeFetch }] = await Promise.all([import('../client/connect.js'), import('../client/nodeFetch.js')])
    return connect({ dataDir: common.dataDir, server: common.server, token: common.token, fetch: nodeFetch })
  }
  return Effect.acquireUseRelease(
    Effect.tryPromise({ try: open, catch: failed }),
    (queue) => Effect.tryPromise({ try: () => use(queue), catch: failed }),
    (queue) => Effect.promise(() => queue.close()),
  ).pipe(
    // `Effect.promise` turns a failed close into a defect; report it like any other failure.
    Effect.catchAllDefect((defect) => Effect.fail(failed(defect))),
  )
}

/** Writes the command's output: one JSON document with `--json`, else the human rendering. */
export const output = <A>(common: Common, value: A, human: (value: A) => string): Effect.Effect<void> =>
  Effect.sync(() => {
    const text = common.json ? JSON.stringify(value, null, 2) : human(value)
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  })

/** The usual command: connect, run, close, print. */
export const queueCommand = <A>(common: QueueCommon, use: (queue: QueueApi) => Promise<A>, human: (value: A) => string): Effect.Effect<void, CommandFailed> =>
  withQueue(common, use).pipe(Effect.flatMap((value) => output(common, value, human)))
