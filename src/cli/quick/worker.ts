import { EXIT } from '../errors.js'
import { reportFailure } from '../report.js'
import { prepareWorker, workerServer } from '../runWorker.js'
import { type WorkerValues, workerSpec } from '../spec/worker.js'
import { parseQuick } from './parse.js'

/**
 * `livequeue worker` on the quick path: a plain command line with a host (`--server` or
 * $LIVEQUEUE_SERVER) runs the worker without loading @effect/cli, which pulls in all of effect
 * and fast-check: an idle worker process takes ~60 MiB RSS instead of ~112 (bench/README.md,
 * "Quick CLI"). It prints, stops and fails as the @effect/cli command does (both run
 * runWorker.ts). Answers false, having done nothing, for a command line @effect/cli should judge
 * (help, a usage error, no host).
 */
export const quickWorker = async (tokens: ReadonlyArray<string>): Promise<boolean> => {
  const values = parseQuick(workerSpec, tokens) as WorkerValues | undefined
  if (values === undefined) return false
  const server = workerServer(values)
  if (server === undefined) return false
  stopWhenStdoutCloses()
  // Effect.never's part on the @effect/cli path: the process ends only by a signal's stop or an exit.
  setInterval(() => {}, 2 ** 31 - 1)
  try {
    const worker = await prepareWorker(values, server)
    await worker.start()
  } catch (error) {
    reportFailure(error, false)
    process.exit(EXIT.failed)
  }
  return true
}

/**
 * `livequeue worker | head -1`: once the reader closes the pipe, the worker stops as on SIGTERM
 * and exits 0 (run.ts does the same on the @effect/cli path), not with an EPIPE stack.
 */
const stopWhenStdoutCloses = (): void => {
  let closed = false
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    if (closed) return
    closed = true
    setTimeout(() => process.exit(EXIT.ok), 5_000).unref()
    process.emit('SIGTERM', 'SIGTERM')
  })
}
