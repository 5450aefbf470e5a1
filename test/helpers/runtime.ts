import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach } from 'vitest'
import { openQueue } from '../../src/taskQueue/openQueue.js'
import type { TaskQueue } from '../../src/taskQueue/TaskQueue.js'
import type { Task } from '../../src/queue/types.js'
import { createWorker } from '../../src/runtime/localWorker.js'
import { Reaper } from '../../src/runtime/reaper.js'
import type { Worker, WorkerOptions } from '../../src/runtime/types.js'
import { type Server, startServer } from '../../src/server/index.js'

/**
 * The two ways a worker reaches its queue, for the contract suite (STYLE: one suite for the
 * in-process and the HTTP worker client): `local` owns the TaskQueue; `remote` goes through a
 * real HTTP server (src/server) on that same queue, which the test still reads and writes
 * directly. The remote side's host duties (the lease reaper) run beside the server, as in `serve`.
 */
export type Transport = 'local' | 'remote'
export const TRANSPORTS: ReadonlyArray<Transport> = ['local', 'remote']

type Host = { url: string; close(): Promise<void> }

/** Everything a test opened, closed after it: workers first (they write on stop), then hosts, queues, temp dirs. */
const workers: Worker[] = []
const hosts = new Map<TaskQueue, Promise<Host>>()
const queues: TaskQueue[] = []
const dirs: string[] = []

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop({ force: true }).catch(() => {})))
  const started = [...hosts.values()]
  hosts.clear()
  await Promise.all(started.map(async (h) => (await h).close().catch(() => {})))
  await Promise.all(queues.splice(0).map((q) => q.close().catch(() => {})))
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

export const memoryQueue = async (): Promise<TaskQueue> => {
  const q = await openQueue({ inMemory: true })
  queues.push(q)
  return q
}

export const tempDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'livequeue-runtime-'))
  dirs.push(d)
  return d
}

export const diskQueue = async (dataDir: string): Promise<TaskQueue> => {
  const q = await openQueue({ dataDir })
  queues.push(q)
  return q
}

/** An HTTP host on `queue`: the real server on a free loopback port, and the lease reaper. One per queue. */
export const hostFor = (queue: TaskQueue): Promise<Host> => {
  let host = hosts.get(queue)
  if (host === undefined) {
    host = (async () => {
      const server = await startServer({ queue, host: '127.0.0.1', port: 0, graceMs: 1_000 })
      const reaper = new Reaper(
        queue,
        () => {},
        () => {},
      )
      await reaper.start()
      return {
        url: server.url,
        async close() {
          reaper.stop()
          await server.close()
        },
      }
    })()
    hosts.set(queue, host)
  }
  return host
}

/**
 * A host on `queue` that can go away and come back on the same port (a restart, in process):
 * `down()` closes the HTTP server (workers get refused connections), `up()` listens again. The
 * reaper keeps running throughout, as the restarted host's own reaper would catch up at start.
 */
export const restartableHost = async (queue: TaskQueue) => {
  const reaper = new Reaper(
    queue,
    () => {},
    () => {},
  )
  await reaper.start()
  const options = { queue, host: '127.0.0.1', graceMs: 500 }
  let server: Server | null = await startServer({ ...options, port: 0 })
  const port = server.port
  const host = {
    url: server.url,
    /** Long-poll claims waiting on the host now (0 while it is down). */
    waitingClaims: () => server?.waitingClaims() ?? 0,
    async down() {
      await server?.close()
      server = null
    },
    async up() {
      server ??= await startServer({ ...options, port })
    },
    async close() {
      reaper.stop()
      await host.down()
    },
  }
  hosts.set(queue, Promise.resolve(host))
  return host
}

type TestWorkerOptions = Omit<WorkerOptions, 'queue' | 'server' | 'token' | 'backend'> & { queue: TaskQueue }

/** Test defaults: fast heartbeats and leases, quiet logs. `transport` picks how the worker reaches `queue`. */
export const startWorker = async (opts: TestWorkerOptions, transport: Transport = 'local'): Promise<Worker> => {
  const { queue, ...rest } = opts
  const connection = transport === 'local' ? { queue } : { server: (await hostFor(queue)).url }
  // Leases long enough that a busy machine's late heartbeat does not expire them by accident.
  const worker = createWorker({
    heartbeatMs: 200,
    leaseMs: 10_000,
    shutdownGraceMs: 2_000,
    ...rest,
    ...connection,
    hooks: { 'task:log': () => {}, ...opts.hooks },
  })
  workers.push(worker)
  await worker.start()
  return worker
}

/** A worker on the host at `url` (test defaults as `startWorker`), stopped after the test. */
export const startWorkerAt = async (url: string, opts: Omit<WorkerOptions, 'queue' | 'server' | 'backend'>): Promise<Worker> => {
  const worker = createWorker({
    heartbeatMs: 200,
    leaseMs: 10_000,
    shutdownGraceMs: 2_000,
    ...opts,
    server: url,
    hooks: { 'task:log': () => {}, ...opts.hooks },
  })
  workers.push(worker)
  await worker.start()
  return worker
}

/** `startWorker` bound to one transport, for `describe.each(TRANSPORTS)`. */
export const workerOn = (transport: Transport) => (opts: TestWorkerOptions) => startWorker(opts, transport)

export type Deferred<T> = { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void }
export const deferred = <T = void>(): Deferred<T> => {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** Resolves when `signal` aborts, with its reason. */
export const aborted = (signal: AbortSignal): Promise<unknown> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve(signal.reason)
    else signal.addEventListener('abort', () => resolve(signal.reason), { once: true })
  })

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits for a task to finish (completed, failed, cancelled); the queue's own live `wait`. */
export const settled = (queue: TaskQueue, taskId: string, timeoutMs = 15_000): Promise<Task> => queue.wait(taskId, { timeoutMs })

/** Activity kinds of one task, oldest first. */
export const activityKinds = async (queue: TaskQueue, taskId: string): Promise<string[]> => (await queue.activity({ taskId, limit: 1000 })).map((a) => a.kind)
