import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { events } from '../events/index.js'
import { queries } from '../schema/index.js'
import { readWorkingSet, WORKING_SET_SQL } from '../src/epochs/workingSet.js'
import { openQueue, type TaskQueue } from '../src/index.js'
import { manualClock, memoryQueue, tempDir } from './helpers/queue.js'

const HOUR = 3_600_000

/** The tables an epoch seed carries, each in a stable order. */
const ORDER: Record<string, string> = {
  workerTasks: 'id',
  taskExecutions: 'id',
  taskDependencies: 'taskId, dependsOnId',
  queues: 'name',
  schedules: 'name',
  circuitBreakers: 'runnerId, type',
  runners: 'id',
}

const rows = (queue: TaskQueue, sql: string) => queue.store.query({ query: sql, bindValues: {} }) as Array<Record<string, unknown>>

/** Every row of the carried tables (the new store holds the working set only, so all of it). */
const allRows = (queue: TaskQueue) => Object.fromEntries(Object.entries(ORDER).map(([t, order]) => [t, rows(queue, `SELECT * FROM ${t} ORDER BY ${order}`)]))

/** The working set of the old store, ordered as `allRows`. */
const liveRows = (queue: TaskQueue) =>
  Object.fromEntries(
    Object.entries(ORDER).map(([t, order]) => {
      const sql = (WORKING_SET_SQL as Record<string, string>)[t] as string
      return [t, rows(queue, `SELECT * FROM (${sql.replace(/ORDER BY[^)]*$/s, '')}) ORDER BY ${order}`)]
    }),
  )

/** Everything of a store's state, including the activity sequence and the epoch rows. */
const fullState = (queue: TaskQueue) => ({
  ...allRows(queue),
  activity: rows(queue, 'SELECT * FROM activity ORDER BY seq'),
  epochState: rows(queue, 'SELECT * FROM epochState ORDER BY key'),
  // Naming activity makes LiveStore's result cache drop this query when activity is written
  // (it does not know sqlite_sequence changes with it).
  sequence: rows(queue, `SELECT seq FROM sqlite_sequence WHERE name = 'activity' AND (SELECT 1 FROM activity LIMIT 0) IS NULL`),
})

const maxSeq = (queue: TaskQueue) => (rows(queue, 'SELECT max(seq) AS s FROM activity')[0]?.s as number | null) ?? 0

const ids = (list: ReadonlyArray<{ task: { id: string } }>) => list.map((c) => c.task.id)

/**
 * An old epoch with a bit of everything: priorities, a future task, running tasks with leases,
 * progress and a cancel request, a retry waiting, a dead letter, dependency chains with a completed
 * dependency, a cancelled dependency and a dead-letter dependency, completed and cancelled tasks,
 * a paused queue, a schedule that fired, an open breaker, runners.
 */
const oldEpoch = async () => {
  const { queue, clock } = await memoryQueue()
  await queue.runnerStarted({ runnerId: 'r1', types: ['a', 'b'], concurrency: 2, host: 'h1', pid: 11 })
  await queue.runnerStarted({ runnerId: 'r2', types: ['c'], concurrency: 1, host: 'h2', pid: 22 })
  await queue.runnerStopped('r2')
  await queue.pause('slow')
  await queue.recordBreaker({ runnerId: 'r1', type: 'flaky', state: 'open', consecutiveFailures: 5, reopensAt: clock.now() + HOUR })
  await queue.schedules.set('hourly', { every: '1h', task: { type: 'report', priority: 'low' }, catchUp: 'once' })
  clock.advance(HOUR) // the first slot is due
  const fired = await queue.fireDueSchedules(0)
  expect(fired.fired).toHaveLength(1)

  await queue.enqueueMany([
    { id: 'dep1', type: 'dep' },
    { id: 'dep2', type: 'dep' },
    { id: 'child', type: 'b', dependsOn: ['dep1', 'dep2'], priority: 'high', payload: { big: 'x'.repeat(20_000) } },
    { id: 'grandchild', type: 'b', dependsOn: ['child'] },
    { id: 'dead', type: 'dead', maxAttempts: 1 },
    { id: 'onDead', type: 'b', dependsOn: ['dead'] },
    { id: 'onDeadAnyway', type: 'b', dependsOn: ['dead', 'dep2'], onDependencyFailure: 'run' },
    { id: 'cancelDep', type: 'b' },
    { id: 'onCancelled', type: 'b', dependsOn: ['cancelDep'] },
    { id: 'cancelled', type: 'b' },
    { id: 'done', type: 'done' },
    { id: 'retrying', type: 'retry', maxAttempts: 3, tags: ['t'], metadata: { m: 1 } },
    { id: 'running', type: 'run', timeoutMs: 5000 },
    { id: 'runCancel', type: 'run' },
  ])
  clock.advance(10)
  await queue.enqueueMany([
    { id: 'p-low', type: 'a', priority: 'low' },
    { id: 'p-crit', type: 'a', priority: 'critical', idempotencyKey: 'k-crit' },
    { id: 'p-norm2', type: 'a' },
    { id: 'p-norm1', type: 'a' },
    { id: 'future', type: 'a', delay: 2 * HOUR },
    { id: 'slowq', type: 'a', queue: 'slow', priority: 'critical' },
  ])
  clock.advance(10)
  await queue.enqueue({ id: 'p-norm0', type: 'a' }) // same priority, later: after p-norm1/p-norm2

  // dep1 completes (child's blockedBy drops to 1); dep2 is running with progress.
  const [c1, c2] = await queue.claim({ runnerId: 'r1', types: ['dep'], limit: 2 })
  await queue.complete(c1!.executionId, { ok: 1 })
  await queue.progress(c2!.executionId, 0.25, 'a quarter')
  // A dead letter, and a retry waiting with its first execution failed.
  const [d] = await queue.claim({ runnerId: 'r1', types: ['dead'] })
  await queue.fail(d!.executionId, new Error('boom'))
  const [r] = await queue.claim({ runnerId: 'r1', types: ['retry'] })
  await queue.fail(r!.executionId, new Error('transient'))
  // Cancelled and completed tasks (not carried), a running task with a cancel requested.
  await queue.cancel('cancelDep')
  await queue.cancel('cancelled')
  const [done] = await queue.claim({ runnerId: 'r1', types: ['done'] })
  await queue.complete(done!.executionId, 'fine')
  const runs = await queue.claim({ runnerId: 'r1', types: ['run'], limit: 2, leaseMs: 60_000 })
  const run = runs.find((c) => c.task.id === 'running')
  const runCancel = runs.find((c) => c.task.id === 'runCancel')
  await queue.heartbeat(run!.executionId, { leaseMs: 90_000 })
  await queue.cancel('runCancel')
  // The fired slot's task completed: its idempotency key is not in the next epoch.
  const [report] = await queue.claim({ runnerId: 'r1', types: ['report'] })
  await queue.complete(report!.executionId, null)
  clock.advance(5)
  return { queue, clock, executions: { dep2: c2!.executionId, retryFirst: r!.executionId, run: run!.executionId, runCancel: runCancel!.executionId } }
}

/** A fresh store seeded with the old one's working set, on the same clock. */
const seeded = async (old: TaskQueue, clock: { now: () => number }, opts: { maxRowsPerEvent?: number; dataDir?: string } = {}) => {
  const ws = readWorkingSet(old.store, { epoch: 1, fromStoreId: 'livequeue', maxRowsPerEvent: opts.maxRowsPerEvent ?? 4 })
  const fresh = await openQueue({
    ...(opts.dataDir ? { dataDir: opts.dataDir, storeId: 'livequeue-e1' } : { inMemory: true }),
    now: clock.now,
    random: () => 0.5,
  })
  await fresh.owned.group.submit(ws.events)
  return { fresh, ws }
}

describe('epoch seed', () => {
  it('seq is AUTOINCREMENT', async () => {
    const { queue } = await memoryQueue()
    const [table] = rows(queue, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'activity'`)
    expect(String(table?.sql)).toMatch(/primary key\s+autoincrement/i)
    await queue.close()
  })

  it('carries the live working set row for row, and nothing finished', async () => {
    const { queue: old, clock } = await oldEpoch()
    const { fresh, ws } = await seeded(old, clock)

    expect(ws.events.length).toBeGreaterThan(5) // chunked at 4 rows
    expect(allRows(fresh)).toEqual(liveRows(old))

    const taskIds = rows(fresh, 'SELECT id FROM workerTasks ORDER BY id').map((r) => r.id)
    // Dependents of the dead letter and of the cancelled task were cancelled with them (issue 15).
    for (const gone of ['dep1', 'done', 'cancelled', 'cancelDep', 'onDead', 'onCancelled']) expect(taskIds).not.toContain(gone)
    for (const kept of ['dead', 'running', 'runCancel', 'retrying', 'child', 'onDeadAnyway', 'future', 'slowq']) expect(taskIds).toContain(kept)
    expect(rows(fresh, `SELECT count(*) AS n FROM workerTasks WHERE metadata LIKE '%"schedule"%'`)[0]?.n).toBe(0)
    // The dependency rows: the completed dep1 is left out, the others are kept, settled or not.
    expect(rows(fresh, 'SELECT taskId, dependsOnId, settled FROM taskDependencies ORDER BY taskId, dependsOnId')).toEqual([
      { taskId: 'child', dependsOnId: 'dep2', settled: 0 },
      { taskId: 'grandchild', dependsOnId: 'child', settled: 0 },
      { taskId: 'onDeadAnyway', dependsOnId: 'dead', settled: 1 },
      { taskId: 'onDeadAnyway', dependsOnId: 'dep2', settled: 0 },
    ])
    // Values that only the copy can have: lease, execution, attempts, cancel request, last error, blockedBy.
    const t = (id: string) => rows(fresh, `SELECT * FROM workerTasks WHERE id = '${id}'`)[0] as Record<string, unknown>
    expect(t('onDeadAnyway')).toMatchObject({ status: 'pending', blockedBy: 1, onDependencyFailure: 'run' })
    expect(t('runCancel')).toMatchObject({ status: 'processing', cancelRequested: 1, runnerId: 'r1' })
    expect(t('running').leaseUntil).toBe(rows(old, `SELECT leaseUntil FROM workerTasks WHERE id = 'running'`)[0]?.leaseUntil)
    expect(t('retrying')).toMatchObject({ status: 'pending', attempts: 1 })
    expect(t('retrying').lastError).toContain('transient')
    expect(t('child')).toMatchObject({ blockedBy: 1, claimRank: 93 })
    expect(t('dead').status).toBe('failed')
    expect(rows(fresh, `SELECT progress FROM taskExecutions WHERE taskId = 'dep2'`)).toEqual([{ progress: 0.25 }])
    expect(rows(fresh, 'SELECT * FROM epochState')).toEqual([{ key: 'seeded', epoch: 1, storeId: 'livequeue', activitySeq: ws.activitySeqBase, at: null }])

    // The activity stream starts empty and continues after the old epoch's last seq.
    expect(ws.activitySeqBase).toBe(maxSeq(old))
    expect(rows(fresh, 'SELECT count(*) AS n FROM activity')[0]?.n).toBe(0)
    await fresh.enqueue({ id: 'new', type: 'a' })
    expect(rows(fresh, 'SELECT seq FROM activity')).toEqual([{ seq: ws.activitySeqBase + 1 }])

    await old.close()
    await fresh.close()
  })

  it('chunks by rows and by bytes; a row over the byte limit travels alone', async () => {
    const { queue: old } = await oldEpoch()
    const byRows = readWorkingSet(old.store, { epoch: 1, fromStoreId: 'livequeue', maxRowsPerEvent: 3 })
    const count = (e: (typeof byRows.events)[number]) => Object.values(e.args).reduce<number>((n, v) => n + (Array.isArray(v) ? v.length : 0), 0)
    expect(byRows.events.every((e) => count(e) <= 3)).toBe(true)
    const total = Object.values(byRows.rows).reduce((a, b) => a + b, 0)
    expect(byRows.events.reduce((n, e) => n + count(e), 0)).toBe(total)

    const byBytes = readWorkingSet(old.store, { epoch: 1, fromStoreId: 'livequeue', maxBytesPerEvent: 4_000 })
    for (const e of byBytes.events) {
      const size = Buffer.byteLength(JSON.stringify(e.args))
      if (size > 5_000) expect(count(e)).toBe(1) // the 20 KB payload of `child`
    }
    expect(byBytes.events.some((e) => e.args.workerTasks.some((r) => r.id === 'child') && count(e) === 1)).toBe(true)

    // Default limits: one event here, and every chunk carries the same epoch and seq base.
    const one = readWorkingSet(old.store, { epoch: 1, fromStoreId: 'livequeue' })
    expect(one.events).toHaveLength(1)
    expect(new Set(byRows.events.map((e) => `${e.args.epoch}/${e.args.activitySeqBase}`))).toEqual(new Set([`1/${one.activitySeqBase}`]))
    await old.close()
  })

  it('an empty store still yields one seed event', async () => {
    const { queue } = await memoryQueue()
    const ws = readWorkingSet(queue.store, { epoch: 3, fromStoreId: 'livequeue-e2' })
    expect(ws.events).toHaveLength(1)
    expect(ws.activitySeqBase).toBe(0)
    const fresh = await openQueue({ inMemory: true })
    await fresh.owned.group.submit(ws.events)
    await fresh.enqueue({ type: 'a' })
    expect(rows(fresh, 'SELECT seq FROM activity')).toEqual([{ seq: 1 }])
    await queue.close()
    await fresh.close()
  })

  it('the new store behaves as the old one would', async () => {
    const { queue: old, clock, executions } = await oldEpoch()
    const { fresh } = await seeded(old, clock)
    const both = async <T>(fn: (q: TaskQueue) => Promise<T>): Promise<[T, T]> => [await fn(old), await fn(fresh)]

    // An execution claimed in the old epoch: heartbeat, progress and completion are accepted in
    // the new store (the fencing token and the runner binding hold); a stale one is ignored.
    const [hbOld, hbNew] = await both((q) => q.heartbeat(executions.runCancel, { runnerId: 'r1' }))
    expect(hbNew).toEqual(hbOld)
    expect(hbNew).toMatchObject({ accepted: true, cancelRequested: true })
    await expect(fresh.complete(executions.dep2, 'x', { runnerId: 'intruder' })).rejects.toMatchObject({ _tag: 'NotClaimant' })
    const [staleOld, staleNew] = await both((q) => q.complete(executions.retryFirst, 'late'))
    expect(staleNew).toEqual(staleOld)
    expect(staleNew.accepted).toBe(false)
    const [depOld, depNew] = await both((q) => q.complete(executions.dep2, { ok: 2 }, { runnerId: 'r1' }))
    expect(depNew).toEqual(depOld)
    expect(depNew.accepted).toBe(true)
    expect((await fresh.get('child')).status).toBe('pending')

    // Claim order: identical (child is claimable now, the retry is due, slowq is paused, future is not due yet).
    clock.advance(2_000)
    const [first, firstNew] = await both((q) => q.claim({ runnerId: 'r9', limit: 100 }))
    expect(ids(firstNew)).toEqual(ids(first))
    expect(ids(firstNew)).toEqual(['p-crit', 'child', 'onDeadAnyway', 'retrying', 'p-norm1', 'p-norm2', 'p-norm0', 'p-low'])
    expect(firstNew.map((c) => c.attempt)).toEqual(first.map((c) => c.attempt))
    expect(firstNew.find((c) => c.task.id === 'retrying')?.attempt).toBe(2)

    // A dependency completing in the new store unblocks its dependent.
    const childNew = firstNew.find((c) => c.task.id === 'child')!
    await fresh.complete(childNew.executionId, 'ok')
    expect(ids(await fresh.claim({ runnerId: 'r9', limit: 100 }))).toEqual(['grandchild'])
    // The dead letter retried and completed in the new store releases nothing twice: its
    // run-anyway dependent's row was settled when it failed.
    await fresh.retry('dead')
    const [deadRun] = await fresh.claim({ runnerId: 'r9', types: ['dead'] })
    expect(deadRun?.attempt).toBe(1)
    await fresh.complete(deadRun!.executionId, 'revived')
    expect(ids(await fresh.claim({ runnerId: 'r9', limit: 100 }))).toEqual([])

    // The paused queue stays paused until resumed; the future task comes when due.
    clock.advance(2 * HOUR)
    expect(ids(await fresh.claim({ runnerId: 'r9', limit: 100 }))).toEqual(['future'])
    await fresh.resume('slow')
    expect(ids(await fresh.claim({ runnerId: 'r9', limit: 100 }))).toEqual(['slowq'])

    // The open breaker is there as reported.
    const [statsOld, statsNew] = await both(async (q) => (await q.stats()).breakers)
    expect(statsNew).toEqual(statsOld)
    await old.close()
    await fresh.close()
  })

  it('a schedule never fires a slot twice across the rotation', async () => {
    const { queue: old, clock } = await oldEpoch()
    const { fresh } = await seeded(old, clock)
    const lastSlot = (await fresh.schedules.get('hourly')).lastSlotAt
    expect(lastSlot).toBe((await old.schedules.get('hourly')).lastSlotAt)
    // The slot already fired (its task completed in the old epoch, so no idempotency key guards it here).
    expect((await fresh.fireDueSchedules(0)).fired).toEqual([])
    clock.advance(HOUR)
    const next = await fresh.fireDueSchedules(0)
    expect(next.fired.map((f) => f.slotAt)).toEqual([(lastSlot as number) + HOUR])
    expect((await fresh.fireDueSchedules(0)).fired).toEqual([])
    await old.close()
    await fresh.close()
  })

  it('materializing the seed again changes nothing; the state rebuilt from the event log equals the live state', async () => {
    const { queue: old, clock } = await oldEpoch()
    const dataDir = tempDir()
    const { fresh, ws } = await seeded(old, clock, { dataDir, maxRowsPerEvent: 5 })
    const before = fullState(fresh)
    expect(before.sequence).toEqual([{ seq: ws.activitySeqBase }])
    await fresh.owned.group.submit(ws.events)
    expect(fullState(fresh)).toEqual(before)
    await fresh.enqueue({ id: 'after', type: 'a' })
    await fresh.claim({ runnerId: 'r9', limit: 2 })
    const live = fullState(fresh)
    await fresh.close()

    const storeDir = path.join(dataDir, 'livequeue-e1')
    const stateFiles = fs.readdirSync(storeDir).filter((f) => f.startsWith('state'))
    expect(stateFiles.length).toBeGreaterThan(0)
    for (const f of stateFiles) fs.rmSync(path.join(storeDir, f))
    const rebuilt = await openQueue({ dataDir, storeId: 'livequeue-e1', now: clock.now })
    expect(fullState(rebuilt)).toEqual(live)
    await rebuilt.enqueue({ id: 'after2', type: 'a' })
    expect(maxSeq(rebuilt)).toBe((live.sequence[0]?.seq as number) + 1)
    await rebuilt.close()
    await old.close()
  })

  it('the old store records the seal; epochSealed$ says where to follow', async () => {
    const { queue: old, clock } = await memoryQueue()
    await old.enqueue({ type: 'a' })
    expect(old.store.query(queries.epochSealed$)).toBeNull()
    const ws = readWorkingSet(old.store, { epoch: 1, fromStoreId: 'livequeue' })
    await old.owned.group.submit([events.epochSealed({ nextStoreId: 'livequeue-e1', nextEpoch: 1, at: clock.now(), activitySeqEnd: ws.activitySeqBase })])
    expect(old.store.query(queries.epochSealed$)).toEqual({ nextStoreId: 'livequeue-e1', nextEpoch: 1, at: clock.now(), activitySeqEnd: 1 })
    // Sealing writes no activity: activitySeqEnd stays the last seq.
    expect(maxSeq(old)).toBe(1)
    await old.close()
  })

  it('activity seq is never reused, also after prune deleted the newest rows', async () => {
    const clock = manualClock()
    const queue = await openQueue({ inMemory: true, now: clock.now })
    await queue.enqueue({ id: 'x', type: 'a' })
    const [c] = await queue.claim({ runnerId: 'r' })
    await queue.complete(c!.executionId, null)
    const oldMax = maxSeq(queue)
    expect(oldMax).toBe(3)
    clock.advance(1000)
    expect((await queue.prune({ olderThan: 0 })).pruned).toBe(1)
    expect(maxSeq(queue)).toBe(0)
    // The next epoch would continue after the last seq handed out, though its rows are gone.
    expect(readWorkingSet(queue.store, { epoch: 1, fromStoreId: 'livequeue' }).activitySeqBase).toBe(oldMax)
    await queue.enqueue({ id: 'y', type: 'a' })
    expect(maxSeq(queue)).toBe(oldMax + 1)
    await queue.close()
  })
})
