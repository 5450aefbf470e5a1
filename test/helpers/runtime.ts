import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach } from 'vitest'
import { openQueue, type TaskQueue } from '../../src/queue/TaskQueue.js'
import type { Task } from '../../src/queue/types.js'
import { createWorker } from '../../src/runtime/createWorker.js'
import type { Worker, WorkerOptions } from '../../src/runtime/types.js'

/** Everything a test opened, closed after it: workers first (they write on stop), then queues, then temp dirs. */
const workers: Worker[] = []
const queues: TaskQueue[] = []
const dirs: string[] = []

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop({ force: true }).catch(() => {})))
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

/** Test defaults: fast heartbeats and leases, quiet logs. */
export const startWorker = async (opts: WorkerOptions): Promise<Worker> => {
  // Leases long enough that a busy machine's late heartbeat does not expire them by accident.
  const worker = createWorker({ heartbeatMs: 200, leaseMs: 10_000, shutdownGraceMs: 2_000, ...opts, hooks: { 'task:log': () => {}, ...opts.hooks } })
  workers.push(worker)
  await worker.start()
  return worker
}

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
export const activityKinds = async (queue: TaskQueue, taskId: string): Promise<string[]> =>
  (await queue.activity({ taskId, limit: 1000 })).map((a) => a.kind)
