import { Effect } from 'effect'
import type { TaskQueue } from '../queue/TaskQueue.js'
import { CommandFailed } from './errors.js'
import type { Common } from './options.js'

/**
 * Opens the queue in `--data-dir`, runs `use`, and always closes it (which flushes every write to
 * disk and releases the lock) before anything is printed: a command reports success only once
 * its events are persisted. Any failure, including one from `close`, becomes `CommandFailed`.
 */
export const withQueue = <A>(common: Common, use: (queue: TaskQueue) => Promise<A>): Effect.Effect<A, CommandFailed> => {
  const failed = (error: unknown) => new CommandFailed({ error, json: common.json })
  // Loaded on first use: LiveStore is heavy, and --help or a usage error never needs it.
  const open = async () => (await import('../queue/TaskQueue.js')).openQueue({ dataDir: common.dataDir })
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

/** The usual command: open, run, close, print. */
export const queueCommand = <A>(
  common: Common,
  use: (queue: TaskQueue) => Promise<A>,
  human: (value: A) => string,
): Effect.Effect<void, CommandFailed> => withQueue(common, use).pipe(Effect.flatMap((value) => output(common, value, human)))
