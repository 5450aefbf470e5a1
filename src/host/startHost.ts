import { startDemoProducer } from '../../workers/demo.js'
import { openQueue, type TaskQueue } from '../queue/TaskQueue.js'
import { createWorker, type Worker } from '../runtime/index.js'
import { followActivity } from './activityLog.js'
import { loadHandlers } from './loadHandlers.js'

export type HostOptions = {
  /** (Default: `$LIVEQUEUE_DATA_DIR`, else `./.livequeue`) */
  dataDir?: string
  /** A handlers module for in-process workers. (Default: none: the host only owns the store) */
  workers?: string
  /** In-process handler slots. (Default: 3) */
  concurrency?: number
  /** Enqueue example work every few seconds (for `npm start`). (Default: false) */
  demo?: boolean
  /** Print the activity stream as it happens. (Default: true) */
  followActivity?: boolean
  /** Where the host's own lines go. (Default: stdout) */
  write?: (line: string) => void
}

export type Host = { queue: TaskQueue; worker: Worker | null; stop(opts?: { force?: boolean }): Promise<void> }

/**
 * The queue host: the one process that owns the data dir (DESIGN fact 2), with in-process
 * workers, the lease reaper (the worker runs it at start, for executions a crash left behind),
 * and a live activity log. `stop` stops the workers gracefully, then flushes and closes the store.
 */
export const startHost = async (opts: HostOptions = {}): Promise<Host> => {
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`))
  const module = opts.workers ? await loadHandlers(opts.workers) : null
  const queue = await openQueue({ ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) })
  let stopFollowing = () => {}
  let stopDemo = () => {}
  let worker: Worker | null = null
  try {
    if (module) {
      worker = createWorker({
        queue,
        handlers: module.handlers,
        ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
        ...(module.escalation ? { escalation: module.escalation } : {}),
      })
      await worker.start()
    }
  } catch (error) {
    await queue.close()
    throw error
  }
  write(`livequeue host (pid ${process.pid})`)
  write(`  data:    ${queue.dataDir}`)
  write(
    worker
      ? `  workers: ${worker.types.join(', ')} (concurrency ${opts.concurrency ?? 3}, runner ${worker.runnerId})`
      : '  workers: none (give --workers ./handlers.js to run tasks here)',
  )
  if (opts.demo) write('  demo:    enqueueing example work every 15 s')
  write('  stop:    Ctrl-C (waits for running tasks; press again to abort them)')
  if (opts.followActivity !== false) {
    write('')
    stopFollowing = followActivity(queue, write)
  }
  if (opts.demo) stopDemo = startDemoProducer(queue, 15_000, write)

  let stopping: Promise<void> | null = null
  return {
    queue,
    worker,
    stop(stopOpts = {}) {
      if (stopOpts.force) void worker?.stop({ force: true })
      stopping ??= (async () => {
        stopDemo()
        await worker?.stop()
        // Let the log show how the running tasks ended before it stops.
        await new Promise((resolve) => setImmediate(resolve))
        stopFollowing()
        await queue.close()
      })()
      return stopping
    },
  }
}
