import type { TaskQueue } from '../queue/TaskQueue.js'
import type { Worker } from './types.js'

export type HandleSignalsOptions = {
  /** Which signals stop the worker. (Default: SIGINT and SIGTERM) */
  signals?: ReadonlyArray<NodeJS.Signals>
  /** Called instead of `process.exit` (tests). (Default: process.exit) */
  exit?: (code: number) => void
  /** Told about each step, for the operator's log. (Default: lines on stderr) */
  log?: (message: string) => void
}

/**
 * Graceful shutdown on SIGINT/SIGTERM: the first signal stops the worker (no more claims;
 * running handlers get `shutdownGraceMs`, then are aborted and given back), closes the queue
 * (which flushes every write to disk), and exits 0. A second signal cuts the grace short: the
 * handlers are aborted at once, and the store is still flushed before the exit.
 * Returns a function that removes the listeners.
 */
export const handleSignals = (worker: Worker, queue: TaskQueue, opts: HandleSignalsOptions = {}): (() => void) => {
  const signals = opts.signals ?? ['SIGINT', 'SIGTERM']
  const exit = opts.exit ?? ((code: number) => process.exit(code))
  const log = opts.log ?? ((message: string) => process.stderr.write(`livequeue: ${message}\n`))
  let received = 0
  const onSignal = (signal: NodeJS.Signals) => {
    received++
    if (received > 1) {
      log(`${signal} again: aborting running tasks now`)
      void worker.stop({ force: true })
      return
    }
    log(`${signal}: stopping (no new tasks; ${worker.running()} running get the grace period; send again to abort them)`)
    void (async () => {
      let code = 0
      try {
        await worker.stop()
      } catch (error) {
        log(`stopping the worker failed: ${(error as Error)?.message ?? String(error)}`)
      }
      try {
        await queue.close()
      } catch (error) {
        log(`closing the queue failed: ${(error as Error)?.message ?? String(error)}`)
        code = 1
      }
      exit(code)
    })()
  }
  for (const s of signals) process.on(s, onSignal)
  return () => {
    for (const s of signals) process.off(s, onSignal)
  }
}
