import { chooseTransport, remoteQueue } from '../../client/connect.js'
import { nodeFetch } from '../../client/nodeFetch.js'
import type { QueueApi } from '../../client/QueueApi.js'
import { queueCommandDefs, queueSubcommandDefs } from '../defs/index.js'
import { rendered } from '../defs/types.js'
import { EXIT } from '../errors.js'
import type { QueueCommon } from '../options.js'
import { reportFailure } from '../report.js'
import { parseQuick } from './parse.js'
import { quickWorker } from './worker.js'

/**
 * The quick path: a `QueueCommandDef` command (`list`, `show`, `cancel`, `limit list`, …
 * defs/index.ts), or `worker` (quick/worker.ts), whose command line is plain, with a host to go
 * through (`--server`, $LIVEQUEUE_SERVER, or the host that owns the data dir), runs here without
 * loading @effect/cli (~0.5 s) or LiveStore (~1 s): ~0.2 s for
 * `livequeue list` instead of ~0.8 s (bench/README.md, "Quick CLI"). It prints, fails and exits
 * as the @effect/cli path does (same def, same `reportFailure`, same exit codes).
 *
 * Answers false, having done nothing, for anything else — another command, a command line that
 * needs @effect/cli to judge it (help, a usage error), or no host — and bin/livequeue.js then
 * loads the whole CLI.
 */
export const quickMain = async (argv: ReadonlyArray<string>): Promise<boolean> => {
  const [name, ...rest] = argv.slice(2)
  if (name === 'worker') return quickWorker(rest)
  const group = name === undefined ? undefined : queueSubcommandDefs.get(name)
  // `livequeue limit list …`: the def is the group's subcommand, and its options follow it.
  const def = group !== undefined ? (rest[0] === undefined ? undefined : group.get(rest[0])) : name === undefined ? undefined : queueCommandDefs.get(name)
  const tokens = group !== undefined ? rest.slice(1) : rest
  if (def === undefined) return false
  const values = parseQuick(def.spec, tokens) as (QueueCommon & Record<string, unknown>) | undefined
  if (values === undefined || def.runs?.(values) === false) return false
  const transport = chooseTransport({ dataDir: values.dataDir, server: values.server, token: values.token })
  if (transport.kind !== 'remote') return false
  exitOnSignals()
  let queue: QueueApi | undefined
  try {
    queue = remoteQueue(transport, nodeFetch)
    const result = await def.run(queue, values)
    // Closed before anything is printed, as withQueue.ts does: success is reported only once every write is answered.
    await queue.close()
    queue = undefined
    process.stdout.write(rendered(def, result, values))
    const failure = def.failure?.(result)
    if (failure !== undefined) {
      reportFailure(failure, values.json)
      process.exitCode = EXIT.failed
    }
  } catch (error) {
    await queue?.close().catch(() => {})
    reportFailure(error, values.json)
    process.exitCode = EXIT.failed
  }
  return true
}

/**
 * Ctrl-C or SIGTERM exits 130, as the @effect/cli path does (run.ts); a reader that closed
 * stdout (`livequeue list | head -1`) ends the process quietly with 0, not an EPIPE stack.
 */
const exitOnSignals = (): void => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(EXIT.interrupted))
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    process.exit(EXIT.ok)
  })
}
