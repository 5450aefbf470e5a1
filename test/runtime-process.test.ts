import { describe, expect, it } from 'vitest'
import { diskQueue, settled, startWorker, tempDir } from './helpers/runtime.js'
import { spawnWorker } from './helpers/runtimeProcess.js'

/** Enqueues one `job` in a fresh data dir, then closes it so a worker process can own the dir. */
const dirWithJob = async () => {
  const dataDir = tempDir()
  const queue = await diskQueue(dataDir)
  const task = await queue.enqueue({ type: 'job', backoff: 'immediate', maxAttempts: 5 })
  await queue.close()
  return { dataDir, taskId: task.id }
}

describe('worker processes', () => {
  it('a worker killed with SIGKILL mid-task: after the lease the task runs again and completes exactly once', async () => {
    const { dataDir, taskId } = await dirWithJob()
    const proc = spawnWorker({ DATA_DIR: dataDir, MODE: 'hang', LEASE_MS: '1000', HEARTBEAT_MS: '300' })
    const started = await proc.next('started')
    expect(started.taskId).toBe(taskId)
    proc.child.kill('SIGKILL')
    expect((await proc.exited).signal).toBe('SIGKILL')

    // A fresh queue and worker on the same dir (the dead process's lock is taken over).
    const queue = await diskQueue(dataDir)
    await startWorker({ queue, handlers: { job: async (_t, ctx) => `recovered on attempt ${ctx.attempt}` } })
    const done = await settled(queue, taskId)
    expect(done.status).toBe('completed')
    expect(done.result).toMatch(/^recovered on attempt \d$/)
    // The killed execution expired; exactly one execution completed. (On a very busy machine the
    // child may have missed a heartbeat and re-claimed once before it died: more `expired` rows.)
    const statuses = done.executions?.map((e) => e.status) ?? []
    expect(done.executions?.[0]?.id).toBe(started.executionId)
    expect(statuses.filter((s) => s === 'completed')).toHaveLength(1)
    expect(statuses.at(-1)).toBe('completed')
    expect(statuses.slice(0, -1).every((s) => s === 'expired')).toBe(true)
    expect(statuses.length).toBeGreaterThanOrEqual(2)
  })

  it('SIGTERM lets the running task finish, flushes, and exits 0', async () => {
    const { dataDir, taskId } = await dirWithJob()
    // A long lease: on a loaded machine a late heartbeat must not let the lease expire here.
    const proc = spawnWorker({ DATA_DIR: dataDir, MODE: 'slow', LEASE_MS: '30000' })
    const ready = await proc.next('ready')
    await proc.next('started')
    proc.child.kill('SIGTERM')
    expect(await proc.exited).toEqual({ code: 0, signal: null })

    const queue = await diskQueue(dataDir)
    const task = await queue.get(taskId)
    expect(task).toMatchObject({ status: 'completed', result: 'done in child' })
    const runners = queue.store.query({ query: 'SELECT status FROM runners WHERE id = $id', bindValues: { id: ready.runnerId as string } })
    expect(runners).toEqual([{ status: 'stopped' }])
  })

  it('a second SIGTERM aborts the handler at once; the attempt is recorded interrupted and given back', async () => {
    const { dataDir, taskId } = await dirWithJob()
    const proc = spawnWorker({ DATA_DIR: dataDir, MODE: 'honor', GRACE_MS: '60000', LEASE_MS: '30000' })
    await proc.next('started')
    proc.child.kill('SIGTERM')
    await proc.next('stopping')
    proc.child.kill('SIGTERM')
    await proc.next('interrupted')
    expect(await proc.exited).toEqual({ code: 0, signal: null })

    const queue = await diskQueue(dataDir)
    const task = await queue.get(taskId)
    expect(task).toMatchObject({ status: 'pending', attempts: 0 })
    expect(task.executions?.map((e) => e.status)).toEqual(['interrupted'])
  })
})
