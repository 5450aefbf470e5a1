import type { WorkerValues } from './spec/worker.js'

/**
 * What `livequeue worker` does, without @effect/cli: the @effect/cli command (commands/worker.ts)
 * and the quick path (quick/worker.ts) both run it, so the two print, stop and fail alike. The
 * runtime modules are imported when a worker starts, not when this file is loaded, so other
 * commands (and `--help`) do not pay for them.
 */

const nonEmpty = (value: string | undefined, env: string | undefined): string | undefined => {
  const chosen = value ?? env
  return chosen === undefined || chosen === '' ? undefined : chosen
}

/** The host to work for: `--server`, else $LIVEQUEUE_SERVER; undefined when neither is given (a usage error). */
export const workerServer = (values: WorkerValues): string | undefined => nonEmpty(values.server, process.env.LIVEQUEUE_SERVER)

/** A worker that is set up (handlers loaded, log and signals wired, banner printed) and not yet started. */
export type PreparedWorker = {
  /** Registers with the host (waiting for it when it is not up yet) and starts claiming; prints a line once it does. */
  start(): Promise<void>
}

const some = <K extends string, A>(key: K, value: A | undefined): { [P in K]?: A } => (value === undefined ? {} : ({ [key]: value } as { [P in K]: A }))

/**
 * Loads the handlers module and creates the remote worker (HTTP only: it never loads LiveStore);
 * SIGINT/SIGTERM stop it gracefully from here on, also while `start` still waits for the host.
 * Rejects with the error to report (exit 1).
 */
export const prepareWorker = async (values: WorkerValues, server: string): Promise<PreparedWorker> => {
  const token = nonEmpty(values.token, process.env.LIVEQUEUE_TOKEN)
  const queues =
    values.queues === undefined
      ? undefined
      : values.queues
          .split(',')
          .map((q) => q.trim())
          .filter((q) => q !== '')
  const { loadHandlers } = await import('../host/loadHandlers.js')
  const { createRemoteWorker } = await import('../runtime/remoteWorker.js')
  const { onShutdownSignals } = await import('../runtime/signals.js')
  const { logWorker } = await import('../runtime/workerLog.js')
  const module = await loadHandlers(values.workers)
  const worker = createRemoteWorker({
    server,
    ...(token ? { token } : {}),
    handlers: module.handlers,
    ...(module.escalation ? { escalation: module.escalation } : {}),
    ...(queues ? { queues } : {}),
    ...some('concurrency', values.concurrency),
    ...some('leaseMs', values.lease),
    ...some('heartbeatMs', values.heartbeat),
    ...some('shutdownGraceMs', values.grace),
  })
  const write = (line: string) => process.stdout.write(`${line}\n`)
  logWorker(worker, write, { tasks: !values.quiet })
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
  write(`  workers: ${worker.types.join(', ')} (concurrency ${values.concurrency ?? 3}, runner ${worker.runnerId})`)
  write(`  queues:  ${queues ? queues.join(', ') : 'all'}`)
  write('  stop:    Ctrl-C (waits for running tasks; press again to abort them)')
  return {
    start: async () => {
      await worker.start()
      if (worker.state() === 'running') write(`${new Date().toISOString().slice(11, 23)}  registered with the host; claiming`)
    },
  }
}
