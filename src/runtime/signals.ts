import type { TaskQueue } from '../taskQueue/TaskQueue.js'
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
export const handleSignals = (worker: Worker, queue: TaskQueue, opts: HandleSignalsOptions = {}): (() => void) =>
  onShutdownSignals(
    {
      running: () => worker.running(),
      stop: async ({ force }) => {
        if (force) return worker.stop({ force: true })
        const log = opts.log ?? logToStderr
        try {
          await worker.stop()
        } catch (error) {
          log(`stopping the worker failed: ${(error as Error)?.message ?? String(error)}`)
        }
        await queue.close()
      },
    },
    opts,
  )

const logToStderr = (message: string) => process.stderr.write(`livequeue: ${message}\n`)

/** Something that stops gracefully, or at once with `force` (a worker with its queue, a whole host). */
export type Stoppable = { running(): number; stop(opts: { force: boolean }): Promise<void> }

/**
 * The signal protocol shared by workers and the host: the first signal calls `stop({ force:
 * false })` and exits 0 when it resolves (1 if it throws); a second calls `stop({ force: true })`
 * while the first is still finishing.
 */
export const onShutdownSignals = (target: Stoppable, opts: HandleSignalsOptions = {}): (() => void) => {
  const signals = opts.signals ?? ['SIGINT', 'SIGTERM']
  const exit = opts.exit ?? ((code: number) => process.exit(code))
  const log = opts.log ?? logToStderr
  let received = 0
  const onSignal = (signal: NodeJS.Signals) => {
    received++
    if (received > 1) {
      log(`${signal} again: aborting running tasks now`)
      void target.stop({ force: true })
      return
    }
    log(`${signal}: stopping (no new tasks; ${target.running()} running get the grace period; send again to abort them)`)
    target.stop({ force: false }).then(
      () => exit(0),
      (error) => {
        log(`stopping failed: ${(error as Error)?.message ?? String(error)}`)
        exit(1)
      },
    )
  }
  for (const s of signals) process.on(s, onSignal)
  return () => {
    for (const s of signals) process.off(s, onSignal)
  }
}
