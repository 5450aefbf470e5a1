import { describe, expect, it } from 'vitest'
import { cli } from './helpers/cli.js'
import { tempDir } from './helpers/queue.js'
import { clientFor, createToken, freePort, startHostProcess, startWorkerProcess } from './helpers/runtimeRemote.js'

/**
 * Remote workers with real parts only: `livequeue serve` owns the data dir and serves HTTP (and
 * reaps leases); `livequeue worker --server URL` children run test/fixtures/remote-handlers.mjs.
 * Producers and assertions go through the HTTP client, as a user's would.
 */

const TIMEOUT = 120_000
const kinds = (entries: ReadonlyArray<{ kind: string }>) => entries.map((e) => e.kind)

describe('livequeue worker --server', () => {
  it(
    'runs tasks enqueued over HTTP to completion, with their progress recorded',
    async () => {
      const host = await startHostProcess(tempDir())
      const worker = startWorkerProcess(host.url, ['--concurrency', '2'])
      const runnerId = await worker.runnerId
      const queue = clientFor(host.url)
      const tasks = await queue.enqueueMany(Array.from({ length: 4 }, (_, i) => ({ type: 'job', payload: { steps: 4, stepMs: 30, i } })))
      const done = await Promise.all(tasks.map((t) => queue.wait(t.id, { timeoutMs: 30_000 })))
      for (const task of done) {
        expect(task).toMatchObject({ status: 'completed', result: { done: true, attempt: 1, pid: worker.child.pid } })
        expect(task.executions).toHaveLength(1)
        expect(task.executions?.[0]).toMatchObject({ runnerId, status: 'completed', progress: 1, progressMessage: 'step 4 of 4' })
      }
      const activity = await queue.activity({ taskId: tasks[0]!.id, limit: 100 })
      expect(kinds(activity)).toEqual(expect.arrayContaining(['queued', 'started', 'progress', 'completed']))
      expect((await queue.runners()).find((r) => r.id === runnerId)).toMatchObject({ status: 'running', pid: worker.child.pid })
    },
    TIMEOUT,
  )

  it(
    'a worker killed with SIGKILL mid-task: after its lease the task runs again and completes exactly once',
    async () => {
      const host = await startHostProcess(tempDir())
      const queue = clientFor(host.url)
      const task = await queue.enqueue({ type: 'job', backoff: 'immediate', maxAttempts: 5 })
      const doomed = startWorkerProcess(host.url, ['--lease', '1s', '--heartbeat', '300ms'], { HANG: '1' })
      const started = await doomed.event('started', { taskId: task.id })
      doomed.child.kill('SIGKILL')
      expect((await doomed.exited).signal).toBe('SIGKILL')

      // The host's reaper ends the dead worker's execution once its lease passes; a new worker runs it.
      const rescuer = startWorkerProcess(host.url, ['--lease', '1s', '--heartbeat', '300ms'])
      const done = await queue.wait(task.id, { timeoutMs: 30_000 })
      expect(done).toMatchObject({ status: 'completed', result: { done: true, pid: rescuer.child.pid } })
      const statuses = done.executions?.map((e) => e.status) ?? []
      expect(done.executions?.[0]?.id).toBe(started.executionId)
      expect(statuses.filter((s) => s === 'completed')).toHaveLength(1)
      expect(statuses.at(-1)).toBe('completed')
      // (A very busy machine may have let the doomed worker's lease lapse once before it died.)
      expect(statuses.slice(0, -1).every((s) => s === 'expired')).toBe(true)
      expect(kinds(await queue.activity({ taskId: task.id, limit: 100 }))).toContain('expired')
    },
    TIMEOUT,
  )

  it(
    'rides out a host restart: the running task finishes, its report lands on the new host, and pickup resumes',
    async () => {
      const dataDir = tempDir()
      const host = await startHostProcess(dataDir)
      const worker = startWorkerProcess(host.url, ['--lease', '30s'])
      const queue = clientFor(host.url)
      // Long enough to span the restart: 40 steps of 100 ms.
      const long = await queue.enqueue({ type: 'job', payload: { steps: 40, stepMs: 100 } })
      await worker.event('started', { taskId: long.id })
      expect(await host.stop()).toEqual({ code: 0, signal: null })
      await worker.sees('host unreachable')

      const again = await startHostProcess(dataDir, host.port)
      expect(again.url).toBe(host.url)
      await worker.event('finished', { taskId: long.id })
      const done = await queue.wait(long.id, { timeoutMs: 30_000 })
      expect(done).toMatchObject({ status: 'completed', result: { done: true, attempt: 1 } })
      expect(done.executions?.map((e) => e.status)).toEqual(['completed'])
      await worker.sees('host is back')

      // The claim loop is long-polling the new host: new work is picked up at once.
      const next = await queue.enqueue({ type: 'job', payload: { steps: 1 } })
      expect(await queue.wait(next.id, { timeoutMs: 15_000 })).toMatchObject({ status: 'completed', result: { pid: worker.child.pid } })
      expect(worker.child.exitCode).toBeNull()
    },
    TIMEOUT,
  )

  it(
    'waits for a host that is not up yet, then works for it',
    async () => {
      const port = await freePort()
      const worker = startWorkerProcess(`http://127.0.0.1:${port}`)
      await worker.sees('host unreachable')
      const host = await startHostProcess(tempDir(), port)
      const queue = clientFor(host.url)
      const task = await queue.enqueue({ type: 'job', payload: { steps: 1 } })
      expect(await queue.wait(task.id, { timeoutMs: 30_000 })).toMatchObject({ status: 'completed', result: { pid: worker.child.pid } })
    },
    TIMEOUT,
  )

  it(
    'SIGTERM lets the running task finish, marks the runner stopped, and exits 0',
    async () => {
      const host = await startHostProcess(tempDir())
      const worker = startWorkerProcess(host.url)
      const runnerId = await worker.runnerId
      const queue = clientFor(host.url)
      const task = await queue.enqueue({ type: 'job', payload: { steps: 5, stepMs: 100 } })
      await worker.event('started', { taskId: task.id })
      expect(await worker.stop('SIGTERM')).toEqual({ code: 0, signal: null })
      expect(worker.output()).toContain('SIGTERM: stopping')
      expect(await queue.get(task.id)).toMatchObject({ status: 'completed' })
      expect((await queue.runners()).find((r) => r.id === runnerId)).toMatchObject({ status: 'stopped' })
    },
    TIMEOUT,
  )

  it(
    'a cancel aborts the handler on the remote worker at once (not at its next heartbeat) and the task ends cancelled',
    async () => {
      const host = await startHostProcess(tempDir())
      // Heartbeats 60 s apart: only the activity stream can bring the cancel in time.
      const worker = startWorkerProcess(host.url, ['--heartbeat', '60s', '--lease', '5m'])
      const queue = clientFor(host.url)
      const task = await queue.enqueue({ type: 'job', payload: { waitForAbort: true } })
      await worker.event('started', { taskId: task.id })
      const t0 = Date.now()
      expect((await queue.cancel(task.id)).cancelRequested).toBe(true)
      expect(await worker.event('aborted', { taskId: task.id })).toMatchObject({ kind: 'cancelled' })
      expect(Date.now() - t0).toBeLessThan(10_000)
      const done = await queue.wait(task.id, { timeoutMs: 15_000 })
      expect(done.status).toBe('cancelled')
      expect(done.executions?.map((e) => e.status)).toEqual(['cancelled'])
      expect(kinds(await queue.activity({ taskId: task.id, limit: 100 }))).toEqual(['queued', 'started', 'cancel-requested', 'cancelled'])
    },
    TIMEOUT,
  )

  it(
    'with tokens: a worker token works; a wrong or revoked one ends the worker with exit 1 and says why',
    async () => {
      const dataDir = tempDir()
      const workerToken = await createToken(dataDir, 'worker', 'w1')
      const adminToken = await createToken(dataDir, 'admin', 'ops')
      const host = await startHostProcess(dataDir)
      const refused = startWorkerProcess(host.url, ['--token', 'lq_not-a-token'])
      expect((await refused.exited).code).toBe(1)
      expect(refused.output()).toMatch(/error: .*refused the request/)

      const worker = startWorkerProcess(host.url, ['--heartbeat', '300ms', '--lease', '3s'], { LIVEQUEUE_TOKEN: workerToken })
      const queue = clientFor(host.url, adminToken)
      const task = await queue.enqueue({ type: 'job', payload: { steps: 2 } })
      expect(await queue.wait(task.id, { timeoutMs: 30_000 })).toMatchObject({ status: 'completed', result: { pid: worker.child.pid } })

      // Revoked while a task runs: the worker's next call is refused, and it stops (exit 1)
      // instead of retrying for ever; the host's reaper gives the task back after its lease.
      const held = await queue.enqueue({ type: 'job', payload: { waitForAbort: true }, backoff: 'immediate' })
      await worker.event('started', { taskId: held.id })
      expect((await cli(['token', 'revoke', 'w1', '--data-dir', dataDir])).code).toBe(0)
      expect((await worker.exited).code).toBe(1)
      expect(worker.output()).toMatch(/fatal: .*unknown or revoked token/)
      await expect.poll(async () => (await queue.get(held.id)).status, { timeout: 15_000 }).toBe('pending')
    },
    TIMEOUT,
  )
})
