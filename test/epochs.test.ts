import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { currentEpoch, readRegistry } from '../src/epochs/registry.js'
import { openQueue } from '../src/taskQueue/openQueue.js'
import type { TaskQueue } from '../src/taskQueue/TaskQueue.js'
import { createWorker, type Worker } from '../src/runtime/index.js'
import { exited, startFixture } from './helpers/child.js'
import { tempDir, until } from './helpers/queue.js'

describe('epochs', () => {
  let queue: TaskQueue | null = null
  let worker: Worker | null = null
  afterEach(async () => {
    await worker?.stop()
    await queue?.close()
    worker = null
    queue = null
  })

  it('rotates online under load: every task runs once, history stays readable, activity seq keeps growing', async () => {
    const dataDir = tempDir()
    queue = await openQueue({ dataDir, epochs: { maxEvents: 40 } })
    const runs = new Map<string, number>()
    worker = createWorker({
      queue,
      concurrency: 4,
      handlers: {
        job: async (task) => {
          runs.set(task.id, (runs.get(task.id) ?? 0) + 1)
          return { n: (task.payload as { n: number }).n }
        },
      },
    })
    await worker.start()
    // A dependent enqueued early waits across rotations for a dependency enqueued late.
    const blocker = await queue.enqueue({ type: 'held' })
    const dependent = await queue.enqueue({ type: 'job', payload: { n: -1 }, dependsOn: [blocker.id] })
    const ids: string[] = []
    for (let i = 0; i < 30; i++) {
      const tasks = await queue.enqueueMany(Array.from({ length: 10 }, (_, j) => ({ type: 'job', payload: { n: i * 10 + j } })))
      ids.push(...tasks.map((t) => t.id))
    }
    await until('every task ran', () => ids.every((id) => runs.has(id)))
    const registry = readRegistry(dataDir, 'livequeue')
    expect(registry.epochs.length, 'rotations happened').toBeGreaterThan(2)
    expect(queue.owned.store.storeId).toBe(currentEpoch(registry).storeId)

    // Nothing ran twice, and every task is readable: the current epoch's or the archive's.
    expect([...runs.values()].every((n) => n === 1)).toBe(true)
    for (const id of ids) {
      const task = await queue.get(id)
      expect(task.status).toBe('completed')
      expect(task.executions?.length).toBe(1)
    }
    // The dependent waited through the rotations; its dependency, claimed and completed in a
    // later epoch than it was enqueued in, releases it.
    expect(runs.has(dependent.id)).toBe(false)
    const [claim] = await queue.claim({ runnerId: 'test-runner', types: ['held'] })
    expect(claim?.task.id).toBe(blocker.id)
    await queue.complete(claim?.executionId as string, null)
    await until('the dependent ran', () => runs.has(dependent.id))

    // The activity stream's seq never goes back across epochs.
    const entries = await queue.activity({ limit: 1000 })
    const seqs = entries.map((e) => e.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    expect(new Set(seqs).size).toBe(seqs.length)
    // The current epoch's own entries continue after the sealed one's last seq.
    const own = queue.owned.store.query({ query: 'SELECT min(seq) AS low FROM activity', bindValues: {} }) as Array<{ low: number }>
    expect(own[0]?.low).toBeGreaterThan(registry.epochs.at(-2)?.activitySeqEnd ?? Number.POSITIVE_INFINITY)
    expect(currentEpoch(registry).seededThrough).toBeGreaterThan(0)
  })

  it('a restart opens only the current epoch, with the live working set', async () => {
    const dataDir = tempDir()
    queue = await openQueue({ dataDir, epochs: { maxEvents: 30 } })
    const pending = await queue.enqueue({ type: 'later', priority: 'high', delay: 60_000 })
    const many = await queue.enqueueMany(Array.from({ length: 40 }, () => ({ type: 'x' })))
    for (const t of many) await queue.cancel(t.id)
    await until('a rotation happened', () => readRegistry(dataDir, 'livequeue').epochs.length > 1)
    await queue.close()
    queue = await openQueue({ dataDir, epochs: { maxEvents: 30 } })
    const current = currentEpoch(readRegistry(dataDir, 'livequeue'))
    expect(queue.owned.store.storeId).toBe(current.storeId)
    expect((await queue.get(pending.id)).status).toBe('pending')
    const live = queue.owned.store.query({ query: `SELECT count(*) AS n FROM workerTasks WHERE status = 'cancelled'`, bindValues: {} }) as Array<{
      n: number
    }>
    expect(live[0]?.n, 'finished tasks stay behind in sealed epochs').toBeLessThan(40)
  })

  it('kill -9 at random moments, rotations included: nothing acknowledged is lost, nothing done runs again', async () => {
    const dataDir = tempDir()
    const queued = new Set<string>()
    const done = new Set<string>()
    for (let run = 0; run < 8; run++) {
      const fixture = startFixture('epoch-churn.mjs', [dataDir, '40'])
      await fixture.ready
      // A random moment: after a random amount of work (rotations happen every ~25 tasks).
      const killAfter = 5 + Math.floor(Math.random() * 120)
      await until(`run ${run} queued ${killAfter} tasks`, () => fixture.lines.filter((l) => l.startsWith('queued ')).length >= killAfter)
      fixture.child.kill('SIGKILL')
      await exited(fixture.child)
      const startedThisRun = new Map<string, number>()
      for (const line of fixture.lines) {
        const [kind, id] = line.split(' ') as [string, string]
        if (kind === 'queued') queued.add(id)
        if (kind === 'start') {
          expect(done.has(id), `task ${id} completed in an earlier run and started again`).toBe(false)
          startedThisRun.set(id, (startedThisRun.get(id) ?? 0) + 1)
        }
      }
      for (const line of fixture.lines) if (line.startsWith('done ')) done.add(line.slice(5))
      const twice = [...startedThisRun].filter(([, n]) => n > 1)
      expect(twice, `run ${run}: tasks started twice in one process`).toEqual([])
    }
    const registry = readRegistry(dataDir, 'livequeue')
    expect(registry.epochs.length, 'rotations happened').toBeGreaterThan(1)
    queue = await openQueue({ dataDir, epochs: { maxEvents: 40 } })
    for (const id of queued) await expect(queue.get(id), `acknowledged task ${id}`).resolves.toBeTruthy()
    for (const id of done) expect((await queue.get(id)).status).toBe('completed')
    // No leftovers of a crashed rotation beside the epochs the registry knows.
    const known = new Set(readRegistry(dataDir, 'livequeue').epochs.map((e) => e.storeId))
    const dirs = fs.readdirSync(dataDir).filter((f) => fs.statSync(path.join(dataDir, f)).isDirectory())
    expect(dirs.filter((d) => !known.has(d))).toEqual([])
  }, 300_000) // eight host processes started and killed: minutes on a loaded 2-core machine
})
