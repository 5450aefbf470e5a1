import { removeLocalCredential, writeLocalCredential } from '../auth/localCredential.js'
import { TokenStore, tokensFile } from '../auth/tokenStore.js'
import { ValidationError } from '../errors.js'
import { archiveKeepDays, retentionHook } from '../epochs/retention.js'
import { resolveDataDir } from '../store/dataDir.js'
import { openQueue } from '../taskQueue/openQueue.js'
import type { TaskQueue } from '../taskQueue/TaskQueue.js'
import { createWorker, type Worker } from '../runtime/index.js'
import { Reaper } from '../runtime/reaper.js'
import { Scheduler } from '../scheduler/Scheduler.js'
import { isLoopback, UnsafeBind } from '../server/bind.js'
import { Metrics } from '../server/metrics.js'
import { DEFAULT_HOST, DEFAULT_PORT, type Server, startServer } from '../server/startServer.js'
import { type DevtoolsOptions, devtoolsAnswering, devtoolsUrl, prepareDevtools } from '../devtools/index.js'
import { followActivity } from './activityLog.js'
import { closeWithin, dirIdentity } from './boundedClose.js'
import { loadHandlers } from './loadHandlers.js'

export type HostOptions = {
  /** (Default: `$LIVEQUEUE_DATA_DIR`, else `./.livequeue`) */
  dataDir?: string
  /** A handlers module for in-process workers. (Default: none: the host only owns the store) */
  workers?: string
  /** In-process handler slots. (Default: 3) */
  concurrency?: number
  /** Run the `demo` export of the `workers` module: it enqueues example work (for `npm start`). (Default: false) */
  demo?: boolean
  /** Print the activity stream as it happens. (Default: true) */
  followActivity?: boolean
  /** The HTTP API: where it listens (port 0: any free port), or false for none. (Default: 127.0.0.1:7420) */
  http?: { host?: string; port?: number } | false
  /** Where the host's own lines go. (Default: stdout) */
  write?: (line: string) => void
  /** Push every event to this LiveStore sync backend, for read replicas. (Default: none) */
  syncUrl?: string
  /** Serve LiveStore's devtools for the store and print their URL. (Default: none) */
  devtools?: DevtoolsOptions
  /** Drop archived epochs sealed more than this many days ago. (Default: `$LIVEQUEUE_ARCHIVE_KEEP_DAYS`, else keep them) */
  archiveKeepDays?: number
}

export type Host = { queue: TaskQueue; worker: Worker | null; server: Server | null; stop(opts?: { force?: boolean }): Promise<void> }

/** Counts what the in-process worker claims and reports, beside what goes through HTTP. */
const countInto = (metrics: Metrics, worker: Worker) => {
  worker.on('task:start', (e) => metrics.claimed(e.task))
  worker.on('task:success', () => metrics.completed())
  worker.on('task:error', () => metrics.failed())
}

/**
 * The queue host: the one process that owns the data dir (docs/design.md, fact 2), with the HTTP API
 * (its URL goes into the lock file, so the CLI finds it), in-process workers, the lease reaper
 * (remote workers' leases must expire even when no worker runs here), and a live activity log.
 * `stop` stops accepting requests and lets in-flight ones finish, then stops the workers
 * gracefully, then flushes and closes the store.
 */
export const startHost = async (opts: HostOptions = {}): Promise<Host> => {
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`))
  const http = opts.http === false ? null : { host: opts.http?.host ?? DEFAULT_HOST, port: opts.http?.port ?? DEFAULT_PORT }
  // Refuse before taking the data dir: nothing is opened for a host that would not start.
  if (http && !isLoopback(http.host) && !new TokenStore(tokensFile(opts.dataDir)).hasTokens()) {
    throw new UnsafeBind({ host: http.host, tokensFile: tokensFile(opts.dataDir) })
  }
  const module = opts.workers ? await loadHandlers(opts.workers) : null
  // The demo belongs to the example agents, not to the host: it comes with their module.
  if (opts.demo && !module?.demo) {
    throw new ValidationError({
      field: 'demo',
      reason: `--demo runs the \`demo\` export of the --workers module; ${opts.workers ?? 'no --workers module was given'}${opts.workers ? ' has none' : ''} (the example agents, ./dist/workers/examples/index.js, have one)`,
    })
  }
  const devtools = opts.devtools ? await prepareDevtools(opts.devtools) : undefined
  // Archives older than --archive-keep-days are dropped after each rotation and once at start.
  const retention = retentionHook(resolveDataDir(opts.dataDir), 'livequeue', archiveKeepDays(opts.archiveKeepDays), write)
  const queue = await openQueue({
    // The module's declared task types: enqueues of them (library, CLI, HTTP) are checked here.
    ...(module ? { tasks: module.tasks } : {}),
    epochs: { afterRotation: retention },
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.syncUrl ? { syncUrl: opts.syncUrl } : {}),
    ...(devtools ? { devtools } : {}),
  })
  const metrics = new Metrics()
  const dataDirAtStart = dirIdentity(queue.dataDir)
  let stopFollowing = () => {}
  let stopDemo = () => {}
  let worker: Worker | null = null
  let reaper: Reaper | null = null
  const scheduler = new Scheduler(
    queue,
    () => {},
    (e) => write(`scheduler: ${(e as Error)?.message ?? String(e)}`),
  )
  let server: Server | null = null
  let localCredential: string | undefined
  const forgetCredential = () => {
    if (localCredential && queue.dataDir) removeLocalCredential(queue.dataDir, localCredential)
  }
  try {
    if (http) {
      // Written before the lock names the URL: a CLI that finds the host finds its credential too.
      localCredential = queue.dataDir ? writeLocalCredential(queue.dataDir) : undefined
      server = await startServer({ queue, ...http, metrics, ready: false, ...(localCredential ? { localCredential } : {}) })
      queue.owned.lock?.setUrl(server.url)
    }
    if (module) {
      worker = createWorker({
        queue,
        handlers: module.handlers,
        ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
        ...(module.escalation ? { escalation: module.escalation } : {}),
      })
      countInto(metrics, worker)
      await worker.start()
    } else {
      // The worker runs its own reaper; without one, the host reaps (remote workers can crash too).
      reaper = new Reaper(
        queue,
        () => {},
        (e) => write(`reaper: ${(e as Error)?.message ?? String(e)}`),
      )
      await reaper.start()
    }
    // Recurring tasks: fires what came due while no host ran (per each schedule's catch-up), then on time.
    await scheduler.start()
    if (devtools) await devtoolsAnswering(devtoolsUrl(queue.store, devtools))
  } catch (error) {
    await scheduler.stop()
    await server?.close()
    forgetCredential()
    await queue.close()
    throw error
  }
  write(`livequeue host (pid ${process.pid})`)
  write(`  data:    ${queue.dataDir}`)
  if (server) {
    write(`  dashboard: ${server.url}/`)
    write(`  http:    ${server.url}  (API /api, reference /api/docs, metrics /metrics)`)
    write(
      server.requiresTokens()
        ? `  auth:    bearer tokens (${tokensFile(opts.dataDir)})`
        : '  auth:    none: no tokens, so serving on loopback only (`livequeue token create` to add one)',
    )
  }
  if (devtools)
    write(`  devtools: ${devtoolsUrl(queue.store, devtools)}  (LiveStore devtools; the page asks for a sponsor licence; open alternative: livequeue query)`)
  if (opts.syncUrl) write(`  sync:    ${opts.syncUrl}  (store ${queue.store.storeId}; read replicas: openReplica, examples/web-feed)`)
  write(
    worker
      ? `  workers: ${worker.types.join(', ')} (concurrency ${opts.concurrency ?? 3}, runner ${worker.runnerId})`
      : '  workers: none (give --workers ./handlers.js to run tasks here)',
  )
  if (queue.taskTypes.length > 0) write(`  typed:   ${queue.taskTypes.map((d) => d.type).join(', ')} (payloads checked at enqueue)`)
  if (opts.demo) write('  demo:    enqueueing example work every 15 s')
  write('  stop:    Ctrl-C (waits for running tasks; press again to abort them)')
  if (opts.followActivity !== false) {
    write('')
    stopFollowing = followActivity(queue, write)
  }
  if (opts.demo && module?.demo) stopDemo = module.demo(queue, write)
  server?.ready()

  let stopping: Promise<void> | null = null
  return {
    queue,
    worker,
    server,
    stop(stopOpts = {}) {
      if (stopOpts.force) void worker?.stop({ force: true })
      stopping ??= (async () => {
        stopDemo()
        await scheduler.stop()
        await server?.close()
        queue.owned.lock?.setUrl(null)
        forgetCredential()
        await worker?.stop()
        reaper?.stop()
        // Let the log show how the running tasks ended before it stops.
        await new Promise((resolve) => setImmediate(resolve))
        stopFollowing()
        await closeWithin(() => queue.close(), dataDirAtStart)
      })()
      return stopping
    },
  }
}
