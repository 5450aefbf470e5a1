import * as fs from 'node:fs'
import * as path from 'node:path'
import { prepareBindValues } from '@livestore/common'
import type { WorkerTaskRow } from '../../schema/workerTasks.js'
import { type ActivityOptions, activityFilters, checkActivityOptions } from '../queue/activity.js'
import { checkListOptions, decodeCursor, encodeCursor, type ListKey, listQuery } from '../queue/list.js'
import { type SelectRows, taskWithExecutions } from '../queue/read.js'
import { taskFromRow } from '../queue/rows.js'
import type { ActivityEntry, ListOptions, Page, Task, TaskStatus } from '../queue/types.js'
import { sqliteReason, withSqliteFile } from '../store/sqliteReader.js'
import { storeFiles } from '../store/storeFiles.js'
import { ArchiveUnreadable } from './errors.js'
import { type EpochInfo, type EpochRegistry, REGISTRY_FILE, readRegistry, sealedEpochs } from './registry.js'

/**
 * Reading history from sealed epochs (issue 13). When the host rotates its queue into a fresh
 * store, the finished tasks stay behind in the sealed epoch's files: that epoch is now an
 * ARCHIVE. Nothing here boots LiveStore: a sealed epoch's state database is read with
 * LiveStore's own wasm SQLite (`withSqliteFile`, pages read on demand), opened for one call and
 * closed again, so no SQLite handle outlives a call and dropping an archive never races an open
 * handle in this process.
 *
 * Only finished tasks (completed, failed, cancelled) count as archived: a task that was pending
 * or running when its epoch was sealed was carried into the next epoch and lives on there.
 *
 * Measured (`archivedTask` on an archive of 10,000 finished tasks, 36 MiB state DB, 2-core dev
 * machine under a load average of ~4, 200 random ids per run, 3 runs): median 0.84–0.87 ms, p90
 * 2.5–3.8 ms, max 8–20 ms, opening and closing the file included; a miss (an id in no archive)
 * 0.54–0.58 ms median per sealed epoch. Open-per-call is cheap enough that no handle cache is
 * kept. `list` through 10k archived tasks, 1,000 a page: all 10 pages, no repeat.
 */

const FINISHED: ReadonlyArray<TaskStatus> = ['completed', 'failed', 'cancelled']
export const FINISHED_SQL = `t.status IN (${FINISHED.map((s) => `'${s}'`).join(', ')})`

/** Store ids the registry may name: nothing that climbs out of the data dir before a delete. */
export const SAFE_STORE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/**
 * The state database of an epoch's store: the file the current schema would use, else (the
 * schema changed since the epoch was sealed, so LiveStore would pick a new file name) the newest
 * `state*.db` in the store's directory. Null when there is none.
 */
export const archiveStateFile = (dataDir: string, storeId: string): string | null => {
  const files = storeFiles(dataDir, storeId)
  if (fs.existsSync(files.state)) return files.state
  let entries: string[]
  try {
    entries = fs.readdirSync(files.dir)
  } catch {
    return null
  }
  const candidates = entries
    .filter((name) => /^state.*@\d+\.db$/.test(name))
    .map((name) => path.join(files.dir, name))
    .map((file) => ({ file, mtime: fs.statSync(file).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime)
  return candidates[0]?.file ?? null
}

/** Runs `use` on a sealed epoch's state DB (opened for this call only); errors become `ArchiveUnreadable`. */
export const readEpoch = async <A>(dataDir: string, epoch: EpochInfo, use: (select: SelectRows) => A): Promise<A> => {
  const file = archiveStateFile(dataDir, epoch.storeId)
  const missing = storeFiles(dataDir, epoch.storeId).state
  if (file === null) {
    throw new ArchiveUnreadable({
      epoch: epoch.number,
      file: missing,
      reason: fs.existsSync(path.dirname(missing)) ? 'it has no state database' : 'its files are gone',
    })
  }
  let result: { ok: true; value: A } | { ok: false; error: unknown }
  try {
    result = await withSqliteFile(file, (db) => {
      const select: SelectRows = <T>(query: string, binds: Record<string, string | number | null>) => db.select<T>(query, prepareBindValues(binds, query))
      // Errors thrown by `use` itself (a bug, a tagged error) pass through unchanged.
      try {
        return { ok: true as const, value: use(select) }
      } catch (error) {
        return { ok: false as const, error }
      }
    })
  } catch (error) {
    throw new ArchiveUnreadable({ epoch: epoch.number, file, reason: sqliteReason(error) })
  }
  if (!result.ok) {
    const error = result.error
    if (typeof (error as { _tag?: unknown })?._tag === 'string') throw error
    throw new ArchiveUnreadable({ epoch: epoch.number, file, reason: sqliteReason(error) })
  }
  return result.value
}

/**
 * The base store id of a data dir's epochs, as its registry records it; `fallback` (the default
 * store id, `livequeue`) when there is no registry yet.
 */
export const registryBase = (dataDir: string, fallback = 'livequeue'): string => {
  let text: string
  try {
    text = fs.readFileSync(path.join(dataDir, REGISTRY_FILE), 'utf8')
  } catch {
    return fallback
  }
  const base = (JSON.parse(text) as { base?: unknown }).base
  // readRegistry says what is wrong with a registry without a base.
  return typeof base === 'string' ? base : readRegistry(dataDir, fallback).base
}

/** The registry, or null when the data dir has none (no epoch was ever sealed: nothing is archived). */
export const registryIfAny = (dataDir: string, base: string): EpochRegistry | null =>
  fs.existsSync(path.join(dataDir, REGISTRY_FILE)) ? readRegistry(dataDir, base) : null

/**
 * The sealed epochs to read, newest first. One whose store directory is gone altogether counts as
 * dropped (a registry written from a stale copy may have lost the mark): every lookup of an
 * unknown id would fail on it otherwise. `listArchives` still shows it, with the reason.
 */
const archivesOf = (dataDir: string, base: string): EpochInfo[] => {
  const registry = registryIfAny(dataDir, base)
  return registry === null ? [] : sealedEpochs(registry).filter((e) => fs.existsSync(path.join(dataDir, e.storeId)))
}

// Tasks

/**
 * The archived task with its executions: from the newest sealed epoch that holds it as a
 * finished task. Null when no archive has it (the caller says `TaskNotFound`).
 */
export const archivedTask = async (dataDir: string, base: string, taskId: string): Promise<Task | null> => {
  for (const epoch of archivesOf(dataDir, base)) {
    const task = await readEpoch(dataDir, epoch, (select) => {
      const row = select<WorkerTaskRow>(`SELECT * FROM workerTasks t WHERE t.id = $id AND ${FINISHED_SQL}`, { id: taskId })[0]
      return row === undefined ? null : taskWithExecutions(select, row)
    })
    if (task !== null) return task
  }
  return null
}

/** The options of `listArchived`: `list`'s, plus which ids to leave out (those the live store holds). */
export type ListArchivedOptions = Omit<ListOptions, 'archived'> & {
  /** Leave out tasks with these ids (the queue passes "is it in the current epoch"). */
  skip?: (taskId: string) => boolean
}

const keyAfter = (a: ListKey, b: ListKey) => (a.createdAt !== b.createdAt ? a.createdAt < b.createdAt : a.id < b.id)

/**
 * Archived (finished) tasks newest first across every sealed epoch, one page at a time: keyset
 * paging on (createdAt, id), like `list`, so `nextCursor` is `list`'s cursor format. Each page
 * asks every sealed epoch for its next `limit + 1` rows and merges them; a task in two epochs is
 * listed once, from the newer one.
 */
export const listArchived = async (dataDir: string, base: string, opts: ListArchivedOptions = {}): Promise<Page<Task>> => {
  const limit = checkListOptions(opts)
  let after = opts.cursor ? decodeCursor(opts.cursor) : null
  const epochs = archivesOf(dataDir, base)
  if (epochs.length === 0 || (opts.status !== undefined && !FINISHED.includes(opts.status))) return { items: [], nextCursor: null }
  const items: Task[] = []
  const seen = new Set<string>()
  let more = false
  for (;;) {
    const want = limit + 1 - items.length
    // Every epoch's next rows after the key, merged newest first; epochs are newest first, so a
    // stable sort keeps the newer epoch's copy of a task first.
    const rows: WorkerTaskRow[] = []
    let full = false
    for (const epoch of epochs) {
      const { query, binds } = listQuery(opts, after, want - 1, [FINISHED_SQL])
      const got = await readEpoch(dataDir, epoch, (select) => [...select<WorkerTaskRow>(query, binds)])
      if (got.length >= want) full = true
      rows.push(...got)
    }
    rows.sort((a, b) => (keyAfter(a, b) ? 1 : keyAfter(b, a) ? -1 : 0))
    const batch = rows.slice(0, want)
    for (const row of batch) {
      after = { createdAt: row.createdAt, id: row.id }
      if (seen.has(row.id) || opts.skip?.(row.id)) continue
      seen.add(row.id)
      items.push(taskFromRow(row))
    }
    if (items.length > limit) {
      more = true
      break
    }
    // Every row left was in this batch: the archives are exhausted.
    if ((!full && rows.length <= want) || batch.length === 0) break
  }
  const page = items.slice(0, limit)
  const last = page.at(-1)
  return { items: page, nextCursor: more && last ? encodeCursor(last) : null }
}

// Activity

export type ArchivedActivityOptions = ActivityOptions & {
  /** Only entries below this seq (the queue passes the current epoch's lowest seq). */
  below?: number
}

/**
 * Activity entries from the sealed epochs, in `activity()`'s shape and order (oldest first).
 * With `before` (or neither): the latest `limit` entries before it, paging back from the newest
 * archive to the oldest; with `since`: the first `limit` after it, oldest archive first. Epoch N
 * holds the seqs up to its `activitySeqEnd`; each epoch is also cut at the lowest (or highest)
 * seq of the epoch read before it, so no seq is ever given twice.
 */
export const archivedActivity = async (dataDir: string, base: string, opts: ArchivedActivityOptions = {}): Promise<ActivityEntry[]> => {
  const limit = checkActivityOptions(opts)
  const epochs = archivesOf(dataDir, base)
  const { filters, binds } = activityFilters(opts)
  const endOf = (epoch: EpochInfo) => epoch.activitySeqEnd ?? Number.MAX_SAFE_INTEGER
  if (opts.since !== undefined) {
    const out: ActivityEntry[] = []
    let lower = opts.since
    for (const epoch of [...epochs].reverse()) {
      if (out.length >= limit) break
      if (endOf(epoch) <= lower) continue
      const upper = Math.min(endOf(epoch), (opts.below ?? Number.MAX_SAFE_INTEGER) - 1)
      const { entries, top } = await readEpoch(dataDir, epoch, (select) => ({
        entries: [
          ...select<ActivityEntry>(`SELECT * FROM activity WHERE seq > $lower AND seq <= $upper AND ${filters} ORDER BY seq LIMIT $limit`, {
            ...binds,
            lower,
            upper,
            limit: limit - out.length,
          }),
        ],
        top: select<{ seq: number | null }>('SELECT max(seq) AS seq FROM activity WHERE seq <= $upper', { upper })[0]?.seq ?? null,
      }))
      out.push(...entries)
      if (top !== null) lower = Math.max(lower, top)
    }
    return out
  }
  const newestFirst: ActivityEntry[] = []
  let upper = Math.min(opts.before ?? Number.MAX_SAFE_INTEGER, opts.below ?? Number.MAX_SAFE_INTEGER)
  for (const epoch of epochs) {
    if (newestFirst.length >= limit) break
    const bound = Math.min(upper, endOf(epoch) + 1)
    const { entries, bottom } = await readEpoch(dataDir, epoch, (select) => ({
      entries: [
        ...select<ActivityEntry>(`SELECT * FROM activity WHERE seq < $bound AND ${filters} ORDER BY seq DESC LIMIT $limit`, {
          ...binds,
          bound,
          limit: limit - newestFirst.length,
        }),
      ],
      bottom: select<{ seq: number | null }>('SELECT min(seq) AS seq FROM activity WHERE seq < $bound', { bound })[0]?.seq ?? null,
    }))
    newestFirst.push(...entries)
    if (bottom !== null) upper = Math.min(bound, bottom)
    else upper = bound
  }
  return newestFirst.reverse()
}

/** The highest seq the archives can hold: the newest sealed epoch's `activitySeqEnd` (null: no archives). */
export const archivedActivityEnd = (registry: EpochRegistry): number | null => {
  const newest = sealedEpochs(registry)[0]
  return newest === undefined ? null : (newest.activitySeqEnd ?? null)
}

// Operations
