import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { archivedActivity, archivedTask, listArchived } from '../src/epochs/archive.js'
import { applyRetention, dropArchive, exportArchive, listArchives } from '../src/epochs/archiveAdmin.js'
import { type EpochRegistry, readRegistry, writeRegistry } from '../src/epochs/registry.js'
import { archiveKeepDays, retentionHook } from '../src/epochs/retention.js'
import { readWorkingSet } from '../src/epochs/workingSet.js'
import { openQueue, type TaskQueue } from '../src/index.js'
import type { ActivityEntry, Task } from '../src/queue/types.js'
import { cli, cliJson } from './helpers/cli.js'
import { manualClock, tempDir } from './helpers/queue.js'
import { startTestServer, type TestServer } from './helpers/server.js'

/**
 * Archives (issue 13): a sealed epoch made WITHOUT the rotation code. Epoch 0 (`livequeue`) is
 * filled and run through the queue API and closed; epoch 1 (`livequeue-e1`) is opened and seeded
 * with epoch 0's working set (`readWorkingSet`, as a rotation would: the pending task and the dead
 * letter travel, activity seq continues); `epochs.json` marks epoch 0 sealed.
 */

const DAY = 86_400_000
const BASE = 'livequeue'
const FINISHED = new Set(['completed', 'failed', 'cancelled'])

const rows = (queue: TaskQueue, sql: string) => queue.store.query({ query: sql, bindValues: {} }) as Array<Record<string, any>>
const seqs = (queue: TaskQueue) => rows(queue, 'SELECT seq FROM activity ORDER BY seq').map((r) => r.seq as number)

const tagOf = async (p: Promise<unknown>): Promise<string | undefined> => {
  try {
    await p
  } catch (error) {
    return (error as { _tag?: string })._tag
  }
  throw new Error('expected a rejection')
}

/** Every page of a listing, with the pages' sizes. */
const allPages = async (page: (cursor: string | undefined) => Promise<{ items: Task[]; nextCursor: string | null }>) => {
  const ids: string[] = []
  const sizes: number[] = []
  let cursor: string | undefined
  for (let i = 0; i < 100; i++) {
    const p = await page(cursor)
    ids.push(...p.items.map((t) => t.id))
    sizes.push(p.items.length)
    if (p.nextCursor === null) return { ids, sizes }
    cursor = p.nextCursor
  }
  throw new Error('no end')
}

type Epoch0 = { finished: string[]; seqs: number[]; sealedAt: number; seqEnd: number }

/** Fills epoch 0 through the queue API and closes it; returns what the archive must hold. */
const fillEpoch0 = async (dir: string, clock: ReturnType<typeof manualClock>) => {
  const q = await openQueue({ dataDir: dir, now: clock.now, random: () => 0.5 })
  const step = () => clock.advance(1000)
  for (let i = 1; i <= 12; i++) {
    await q.enqueue({ id: `done-${String(i).padStart(2, '0')}`, type: 'done', payload: { i }, tags: i % 2 ? ['odd'] : ['even'] })
    step()
  }
  await q.enqueue({ id: 'retried', type: 'retry', maxAttempts: 3 })
  step()
  await q.enqueue({ id: 'dead', type: 'dead' })
  step()
  await q.enqueue({ id: 'cancelled-1', type: 'later' })
  step()
  await q.enqueue({ id: 'cancelled-2', type: 'later' })
  step()
  await q.enqueue({ id: 'carry', type: 'carry' })
  step()
  const done = await q.claim({ runnerId: 'r0', types: ['done'], limit: 100 })
  expect(done).toHaveLength(12)
  await Promise.all(done.map((c) => q.complete(c.executionId, { ok: c.task.id }, { runnerId: 'r0' })))
  const [first] = await q.claim({ runnerId: 'r0', types: ['retry'] })
  await q.fail(first!.executionId, new Error('flaky'), { runnerId: 'r0' })
  clock.advance(60_000)
  const [second] = await q.claim({ runnerId: 'r0', types: ['retry'] })
  await q.complete(second!.executionId, 'second time', { runnerId: 'r0' })
  const [dead] = await q.claim({ runnerId: 'r0', types: ['dead'] })
  await q.fail(dead!.executionId, new Error('for good'), { runnerId: 'r0', permanent: true })
  await q.cancel('cancelled-1')
  await q.cancel('cancelled-2')
  step()
  const all = (await q.list({ limit: 1000 })).items
  const finished = all.filter((t) => FINISHED.has(t.status)).map((t) => t.id)
  const ws = readWorkingSet(q.store, { epoch: 1, fromStoreId: BASE })
  // Real times in the registry: an epoch that looks a week old is rotated at its next open.
  const epoch0: Epoch0 = { finished, seqs: seqs(q), sealedAt: Date.now(), seqEnd: ws.activitySeqBase }
  await q.close()
  return { epoch0, ws }
}

const registry = (sealedAt: number, seqEnd: number, openedAt: number): EpochRegistry => ({
  version: 1,
  base: BASE,
  epochs: [
    { number: 0, storeId: BASE, openedAt: 1, sealedAt, activitySeqEnd: seqEnd },
    { number: 1, storeId: `${BASE}-e1`, openedAt, sealedAt: null, activitySeqEnd: null },
  ],
})

/**
 * Opens epoch 1. Until openQueue follows the registry itself, the store id is passed; the
 * registry is written after the open so that an openQueue that does follow it (taking `storeId`
 * as the base) opens `livequeue-e1` as well.
 */
const openEpoch1 = async (dir: string, clock: ReturnType<typeof manualClock>, epoch0: Epoch0) => {
  const q = await openQueue({ dataDir: dir, storeId: `${BASE}-e1`, now: clock.now, random: () => 0.5 })
  writeRegistry(dir, registry(epoch0.sealedAt, epoch0.seqEnd, Date.now()))
  return q
}

/** Epoch 1 again, now that the registry exists: by the registry where openQueue follows it, else by store id. */
const reopenEpoch1 = async (dir: string): Promise<TaskQueue> => {
  try {
    return await openQueue({ dataDir: dir, storeId: `${BASE}-e1` })
  } catch (error) {
    if (!/epoch registry/.test(String((error as Error).message))) throw error
    return openQueue({ dataDir: dir })
  }
}

describe('archives: reading sealed epochs', () => {
  const clock = manualClock(Date.UTC(2026, 0, 1))
  const dir = tempDir('livequeue-archive-')
  let epoch0: Epoch0
  let queue: TaskQueue
  let current: string[]

  beforeAll(async () => {
    const filled = await fillEpoch0(dir, clock)
    epoch0 = filled.epoch0
    queue = await openEpoch1(dir, clock, epoch0)
    await queue.owned.group.submit(filled.ws.events)
    for (let i = 1; i <= 3; i++) {
      await queue.enqueue({ id: `new-${i}`, type: 'new' })
      clock.advance(1000)
    }
    const fresh = await queue.claim({ runnerId: 'r1', types: ['new', 'carry'], limit: 10 })
    expect(fresh.map((c) => c.task.id).sort()).toEqual(['carry', 'new-1', 'new-2', 'new-3'])
    await Promise.all(fresh.map((c) => queue.complete(c.executionId, { epoch: 1 }, { runnerId: 'r1' })))
    await queue.enqueue({ id: 'new-pending', type: 'new' })
    current = (await queue.list({ limit: 1000 })).items.map((t) => t.id)
  })

  afterAll(async () => {
    await queue?.close().catch(() => {})
  })

  it('the setup: epoch 1 holds the working set and its own tasks, seq continues after epoch 0', () => {
    expect([...current].sort()).toEqual(['carry', 'dead', 'new-1', 'new-2', 'new-3', 'new-pending'].sort())
    expect(Math.min(...seqs(queue))).toBe(epoch0.seqEnd + 1)
    expect(epoch0.seqs.at(-1)).toBe(epoch0.seqEnd)
    expect(epoch0.finished).toHaveLength(16)
  })

  it('get: archived tasks with their executions, current tasks first, unknown ids TaskNotFound', async () => {
    const done = await queue.get('done-03')
    expect(done).toMatchObject({ id: 'done-03', status: 'completed', result: { ok: 'done-03' }, payload: { i: 3 }, tags: ['odd'] })
    expect(done.executions).toHaveLength(1)
    expect(done.executions?.[0]).toMatchObject({ taskId: 'done-03', attempt: 1, runnerId: 'r0', status: 'completed', result: { ok: 'done-03' } })

    const retried = await queue.get('retried')
    expect(retried.status).toBe('completed')
    expect(retried.executions?.map((e) => [e.attempt, e.status])).toEqual([
      [1, 'failed'],
      [2, 'completed'],
    ])
    expect(retried.executions?.[0]?.error?.message).toBe('flaky')
    expect((await queue.get('cancelled-2')).status).toBe('cancelled')
    // The dead letter travelled: the current epoch's copy answers.
    expect((await queue.get('dead')).status).toBe('failed')
    expect((await queue.get('carry')).executions?.at(-1)?.result).toEqual({ epoch: 1 })

    expect(await tagOf(queue.get('no-such-task'))).toBe('TaskNotFound')
    // The library call under it: the same task, from the archive by the registry's base id.
    expect(await archivedTask(dir, BASE, 'done-03')).toEqual(done)
    expect(await archivedTask(dir, BASE, 'new-1')).toBeNull()
    // `carry` was pending when epoch 0 was sealed: not archived there.
    expect(await archivedTask(dir, BASE, 'carry')).toBeNull()
  })

  it('list({ archived: true }): the current epoch first, then the archive, each newest first, paged without repeats', async () => {
    const archivedOnly = epoch0.finished.filter((id) => !current.includes(id))
    for (const limit of [1, 4, 6, 50]) {
      const { ids, sizes } = await allPages((cursor) => queue.list({ archived: true, limit, ...(cursor ? { cursor } : {}) }))
      expect(ids).toEqual([...current, ...archivedOnly])
      expect(sizes.slice(0, -1).every((n) => n === limit)).toBe(true)
    }
    // Without `archived`, nothing changes.
    expect((await queue.list({ limit: 1000 })).items.map((t) => t.id)).toEqual(current)
    // Filters apply to both parts; a pending filter never reaches the archive.
    const odd = await allPages((cursor) => queue.list({ archived: true, tag: 'odd', limit: 2, ...(cursor ? { cursor } : {}) }))
    expect(odd.ids).toEqual(['done-11', 'done-09', 'done-07', 'done-05', 'done-03', 'done-01'])
    const completed = (await queue.list({ archived: true, status: 'completed', limit: 1000 })).items
    expect(completed.every((t) => t.status === 'completed')).toBe(true)
    expect(completed).toHaveLength(4 + 13)
    expect((await queue.list({ archived: true, status: 'pending', limit: 1000 })).items.map((t) => t.id)).toEqual(['new-pending'])
    // An archive cursor is refused without `archived` (it is not a cursor `list` made).
    const page = await queue.list({ archived: true, limit: current.length + 1 })
    expect(page.items.at(-1)?.id).toBe(archivedOnly[0])
    expect(await tagOf(queue.list({ cursor: page.nextCursor as string }))).toBe('ValidationError')
    // The library call: archived finished tasks only, newest first, with a cursor.
    expect((await allPages((cursor) => listArchived(dir, BASE, { limit: 5, ...(cursor ? { cursor } : {}) }))).ids).toEqual(epoch0.finished)
  })

  it('activity({ before }) pages back into the archive: every seq once, none missing', async () => {
    const all = [...epoch0.seqs, ...seqs(queue)]
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1))
    for (const limit of [1, 7, 1000]) {
      const seen: number[] = []
      let page = await queue.activity({ limit })
      for (let i = 0; page.length > 0 && i < 1000; i++) {
        expect(page.map((e) => e.seq)).toEqual([...page.map((e) => e.seq)].sort((a, b) => a - b))
        seen.unshift(...page.map((e) => e.seq))
        if (page.length < limit) break
        page = await queue.activity({ limit, before: page[0]!.seq })
      }
      expect(seen).toEqual(all)
    }
    // Forward from an archived seq: the rest of the archive, then the current epoch.
    const since = await queue.activity({ since: 5, limit: 1000 })
    expect(since.map((e) => e.seq)).toEqual(all.filter((s) => s > 5))
    const across = await queue.activity({ since: epoch0.seqEnd - 2, limit: 4 })
    expect(across.map((e) => e.seq)).toEqual([epoch0.seqEnd - 1, epoch0.seqEnd, epoch0.seqEnd + 1, epoch0.seqEnd + 2])
    // Filtered: an archived task's entries (what `show` prints).
    const entries: ActivityEntry[] = await queue.activity({ taskId: 'retried' })
    expect(entries.length).toBeGreaterThanOrEqual(4)
    expect(entries.every((e) => e.taskId === 'retried' && e.seq <= epoch0.seqEnd)).toBe(true)
    expect(await archivedActivity(dir, BASE, { limit: 3 })).toEqual(epoch0.seqs.slice(-3).map((seq) => expect.objectContaining({ seq })))
  })

  it('HTTP and the CLI through the host: GET /api/tasks/{id}, ?archived=true, show, list --archived', async () => {
    const server: TestServer = await startTestServer({ queue })
    try {
      const one = await server.api('GET', '/api/tasks/done-07')
      expect(one.status).toBe(200)
      expect(one.body).toMatchObject({ id: 'done-07', status: 'completed' })
      expect(one.body.executions).toHaveLength(1)
      expect((await server.api('GET', '/api/tasks/no-such-task')).status).toBe(404)
      const page = await server.api('GET', `/api/tasks?archived=true&limit=${current.length + 2}`)
      expect(page.status).toBe(200)
      expect(page.body.items.map((t: Task) => t.id)).toEqual([...current, ...epoch0.finished.filter((id) => !current.includes(id)).slice(0, 2)])
      expect((await server.api('GET', '/api/tasks?archived=maybe')).status).toBe(400)
      const next = await server.api('GET', `/api/tasks?archived=true&limit=1000&cursor=${page.body.nextCursor}`)
      expect(next.body.items).toHaveLength(epoch0.finished.filter((id) => !current.includes(id)).length - 2)

      const shown = await cliJson(['show', 'done-07', '--server', server.url])
      expect(shown).toMatchObject({ id: 'done-07', status: 'completed' })
      const human = await cli(['show', 'retried', '--server', server.url])
      expect(human.code).toBe(0)
      expect(human.stdout).toContain('retried')
      expect(human.stdout).toContain('flaky')
      const listed = await cliJson(['list', '--archived', '--limit', '1000', '--server', server.url])
      expect(listed.items.length).toBe(current.length + epoch0.finished.filter((id) => !current.includes(id)).length)
      expect((await cli(['show', 'no-such-task', '--server', server.url])).code).toBe(1)
    } finally {
      await server.close()
    }
  })

  it('archive list and export (the host may run); drop refuses while it runs', async () => {
    const listed = await cliJson(['archive', 'list', '--data-dir', dir])
    expect(listed.map((a: any) => [a.epoch, a.storeId, a.current, a.dropped])).toEqual([
      [0, BASE, false, false],
      [1, `${BASE}-e1`, true, false],
    ])
    expect(listed[0].tasks).toEqual({ completed: 13, failed: 1, cancelled: 2, pending: 1 })
    expect(listed[0].bytes).toBeGreaterThan(0)
    const human = await cli(['archive', 'list', '--data-dir', dir])
    expect(human.stdout).toMatch(/archive/)
    expect(human.stdout).toMatch(/16 finished/)

    const out = path.join(tempDir('livequeue-export-'), 'epoch0.jsonl')
    const exported = await cliJson(['archive', 'export', '0', '--out', out, '--data-dir', dir])
    expect(exported).toEqual({ epoch: 0, tasks: 16, file: out })
    const lines = fs.readFileSync(out, 'utf8').split('\n')
    expect(lines.pop()).toBe('')
    const tasks = lines.map((l) => JSON.parse(l) as Task)
    expect(tasks.map((t) => t.id).sort()).toEqual([...epoch0.finished].sort())
    expect(tasks.find((t) => t.id === 'retried')?.executions).toHaveLength(2)
    const stdout = await cli(['archive', 'export', '0', '--data-dir', dir])
    expect(stdout.code).toBe(0)
    expect(stdout.stdout).toBe(fs.readFileSync(out, 'utf8'))
    let chunks = 0
    for await (const chunk of exportArchive(dir, BASE, 0)) chunks += chunk.length > 0 ? 1 : 0
    expect(chunks).toBe(1)

    expect((await cli(['archive', 'export', '1', '--data-dir', dir])).stderr).toMatch(/current epoch/)
    expect((await cli(['archive', 'export', '7', '--data-dir', dir])).stderr).toMatch(/no epoch 7/)
    const busy = await cli(['archive', 'drop', '0', '--data-dir', dir, '--json'])
    expect(busy.code).toBe(1)
    expect(busy.stderr).toMatch(/ArchiveBusy/)
    expect(fs.existsSync(path.join(dir, BASE))).toBe(true)
  })

  it('show without a host, then drop deletes the files, marks the registry, and the tasks are gone', async () => {
    await queue.close()
    const shown = await cliJson(['show', 'done-07', '--data-dir', dir])
    expect(shown).toMatchObject({ id: 'done-07', status: 'completed' })

    const current1 = await cli(['archive', 'drop', '1', '--data-dir', dir, '--json'])
    expect(current1.code).toBe(1)
    expect(current1.stderr + current1.stdout).toMatch(/EpochNotSealed/)
    const before = (await listArchives(dir, BASE))[0]!.bytes
    const dropped = await cliJson(['archive', 'drop', '0', '--data-dir', dir])
    expect(dropped).toMatchObject({ epoch: 0, storeId: BASE, alreadyDropped: false })
    expect(dropped.freedBytes).toBe(before)
    expect(fs.existsSync(path.join(dir, BASE))).toBe(false)
    expect(readRegistry(dir, BASE).epochs[0]).toMatchObject({ number: 0, dropped: true })
    expect((await cliJson(['archive', 'drop', '0', '--data-dir', dir])).alreadyDropped).toBe(true)

    queue = await reopenEpoch1(dir)
    expect(queue.store.storeId).toBe(`${BASE}-e1`)
    expect(await tagOf(queue.get('done-07'))).toBe('TaskNotFound')
    expect((await queue.get('dead')).status).toBe('failed')
    expect((await queue.list({ archived: true, limit: 1000 })).items.map((t) => t.id)).toEqual(current)
    const history = await queue.activity({ limit: 1000 })
    expect(history[0]?.seq).toBe(epoch0.seqEnd + 1)
    // A registry that lost the mark (rewritten from a stale copy): files that are gone count as dropped.
    const reg = readRegistry(dir, BASE)
    writeRegistry(dir, { ...reg, epochs: reg.epochs.map(({ dropped: _, ...e }) => e) })
    expect(await tagOf(queue.get('done-07'))).toBe('TaskNotFound')
    expect((await listArchives(dir, BASE))[0]?.error).toMatch(/gone/)
  })
})

describe('archives: retention', () => {
  /** A data dir with epochs 0 and 1 sealed (1 a copy of 0's files) and 2 current. */
  const threeEpochs = async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1))
    const dir = tempDir('livequeue-retention-')
    const { epoch0 } = await fillEpoch0(dir, clock)
    fs.cpSync(path.join(dir, BASE), path.join(dir, `${BASE}-e1`), { recursive: true })
    const now = Date.UTC(2026, 3, 1)
    writeRegistry(dir, {
      version: 1,
      base: BASE,
      epochs: [
        { number: 0, storeId: BASE, openedAt: 1, sealedAt: now - 60 * DAY, activitySeqEnd: epoch0.seqEnd },
        { number: 1, storeId: `${BASE}-e1`, openedAt: now - 60 * DAY, sealedAt: now - 2 * DAY, activitySeqEnd: epoch0.seqEnd },
        { number: 2, storeId: `${BASE}-e2`, openedAt: now - 2 * DAY, sealedAt: null, activitySeqEnd: null },
      ],
    })
    return { dir, now, epoch0 }
  }

  it('drops only the epochs sealed longer ago than keepDays, never the current one', async () => {
    const { dir, now } = await threeEpochs()
    expect(applyRetention(dir, BASE, { keepDays: 90, now }).dropped).toEqual([])
    const r = applyRetention(dir, BASE, { keepDays: 30, now })
    expect(r.dropped.map((d) => d.epoch)).toEqual([0])
    expect(fs.existsSync(path.join(dir, BASE))).toBe(false)
    expect(fs.existsSync(path.join(dir, `${BASE}-e1`))).toBe(true)
    expect(readRegistry(dir, BASE).epochs.map((e) => e.dropped === true)).toEqual([true, false, false])
    // Epoch 1 still answers (a copy of epoch 0, so the same tasks).
    expect((await archivedTask(dir, BASE, 'done-01'))?.status).toBe('completed')
    expect(applyRetention(dir, BASE, { keepDays: 0, now }).dropped.map((d) => d.epoch)).toEqual([1])
    expect(readRegistry(dir, BASE).epochs.map((e) => e.dropped === true)).toEqual([true, true, false])
    expect(() => dropArchive(dir, BASE, 2)).toThrow(/current epoch/)
  })

  it('the CLI prune and the host hook', async () => {
    const { dir } = await threeEpochs()
    // Epochs sealed 60 and 2 days before 2026-04-01: today both are older than 1 day.
    const pruned = await cliJson(['archive', 'prune', '--keep-days', '36500', '--data-dir', dir])
    expect(pruned.dropped).toEqual([])
    const bad = await cli(['archive', 'prune', '--keep-days', 'soon', '--data-dir', dir])
    expect(bad.code).toBe(2)
    const lines: string[] = []
    expect(retentionHook(dir, BASE, null, (l) => lines.push(l))()).toBeNull()
    expect(retentionHook(dir, BASE, 1, (l) => lines.push(l))()?.dropped.map((d) => d.epoch)).toEqual([0, 1])
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/dropped epoch 0/)

    expect(archiveKeepDays(undefined, {})).toBeNull()
    expect(archiveKeepDays(undefined, { LIVEQUEUE_ARCHIVE_KEEP_DAYS: '30' })).toBe(30)
    expect(archiveKeepDays(7, { LIVEQUEUE_ARCHIVE_KEEP_DAYS: '30' })).toBe(7)
    expect(() => archiveKeepDays(undefined, { LIVEQUEUE_ARCHIVE_KEEP_DAYS: 'forever' })).toThrow(/LIVEQUEUE_ARCHIVE_KEEP_DAYS/)
  })
})
