import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { QueuedTask } from '../../events/task.js'
import { openQueue, type OpenQueueOptions, type TaskQueue } from '../../src/index.js'

/** A fresh temp data dir, removed by the OS eventually; tests never share one. */
export const tempDir = (prefix = 'livequeue-test-'): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix))

/** A clock the test moves by hand. */
export const manualClock = (start = Date.UTC(2026, 0, 1)) => {
  let now = start
  return {
    now: () => now,
    advance(ms: number) {
      now += ms
    },
    set(ms: number) {
      now = ms
    },
  }
}

/** An in-memory queue (persistence is not the point) on a manual clock. */
export const memoryQueue = async (opts: OpenQueueOptions = {}) => {
  const clock = manualClock()
  const queue = await openQueue({ inMemory: true, now: clock.now, random: () => 0.5, ...opts })
  return { queue, clock }
}

const TABLES: Record<string, string> = {
  workerTasks: 'id',
  taskExecutions: 'id',
  taskDependencies: 'taskId, dependsOnId',
  activity: 'seq',
  queues: 'name',
  runners: 'id',
}

/** Every row of every queue table, in a stable order: two equal snapshots mean equal state. */
export const snapshot = (queue: TaskQueue): Record<string, unknown[]> =>
  Object.fromEntries(
    Object.entries(TABLES).map(([table, order]) => [
      table,
      queue.store.query({ query: `SELECT * FROM ${table} ORDER BY ${order}`, bindValues: {} }) as unknown[],
    ]),
  )

/** The LiveStore eventlog head: unchanged means nothing was written. */
export const head = (queue: TaskQueue): string => queue.store.syncStatus().localHead

/** Runs `fn`, expects it to reject with the tagged error, and checks nothing was written. */
export const expectRefused = async (queue: TaskQueue, tag: string, fn: () => Promise<unknown>): Promise<Error> => {
  const before = { head: head(queue), state: JSON.stringify(snapshot(queue)) }
  let caught: unknown
  try {
    await fn()
  } catch (error) {
    caught = error
  }
  if (caught === undefined) throw new Error(`expected ${tag}, but the call succeeded`)
  const tagged = caught as { _tag?: string; message: string }
  if (tagged._tag !== tag) throw new Error(`expected ${tag}, got ${tagged._tag}: ${tagged.message}`)
  if (head(queue) !== before.head) throw new Error(`${tag}: the eventlog moved from ${before.head} to ${head(queue)}`)
  if (JSON.stringify(snapshot(queue)) !== before.state) throw new Error(`${tag}: state changed`)
  return caught as Error
}

/** A `v1.TaskQueued` payload written directly (what validation would normally build), with overrides. */
export const queuedTask = (id: string, overrides: Partial<QueuedTask> = {}): QueuedTask => ({
  id,
  type: 't',
  queue: 'default',
  payload: null,
  priority: 5,
  processAfter: 0,
  createdAt: 0,
  maxAttempts: 3,
  backoff: { strategy: 'fixed', baseMs: 1, factor: 1, maxMs: 1, jitter: false },
  timeoutMs: null,
  dependsOn: [],
  idempotencyKey: null,
  tags: [],
  metadata: {},
  escalatedFrom: null,
  createdBy: null,
  ...overrides,
})

/** Resolves once `check` holds (polled every 50 ms), or fails naming `what` after `timeoutMs`. */
export const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
