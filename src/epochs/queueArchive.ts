import * as fs from 'node:fs'
import * as path from 'node:path'
import { TaskNotFound } from '../errors.js'
import type { ActivityOptions } from '../queue/activity.js'
import { checkListOptions } from '../queue/list.js'
import type { ActivityEntry, ListOptions, Page, Task } from '../queue/types.js'
import { archivedActivity, archivedActivityEnd, archivedTask, listArchived, registryBase } from './archive.js'
import { type EpochRegistry, REGISTRY_FILE, readRegistry, sealedEpochs } from './registry.js'

/**
 * How `TaskQueue` reads on into the archives (src/epochs/archive.ts) when the current epoch runs
 * out: `get` of an id it does not hold, `list({ archived: true })`, `activity({ before })`.
 * Only a queue on a data dir whose registry (`epochs.json`) lists the queue's store has
 * archives; the archives are found by the registry's BASE store id, whatever epoch the queue is on.
 */
export type ArchiveSource = { readonly dataDir: string | null; storeId(): string }

let cached: { file: string; key: string; registry: EpochRegistry } | null = null

/** The data dir's registry if it has sealed epochs and lists this queue's store; cached while the file is unchanged. */
const archivesFor = (source: ArchiveSource): EpochRegistry | null => {
  if (source.dataDir === null) return null
  const file = path.join(source.dataDir, REGISTRY_FILE)
  let stat: fs.Stats
  try {
    stat = fs.statSync(file)
  } catch {
    return null // no registry: no epoch was ever sealed
  }
  const key = `${stat.ino}:${stat.size}:${stat.mtimeMs}`
  if (cached === null || cached.file !== file || cached.key !== key) {
    cached = { file, key, registry: readRegistry(source.dataDir, registryBase(source.dataDir)) }
  }
  const { registry } = cached
  const storeId = source.storeId()
  if (!registry.epochs.some((e) => e.storeId === storeId)) return null
  return sealedEpochs(registry).length > 0 ? registry : null
}

/** `get`: the current epoch's task, else the newest archive's, else the current epoch's `TaskNotFound`. */
export const getWithArchive = async (source: ArchiveSource, taskId: string, current: () => Task): Promise<Task> => {
  try {
    return current()
  } catch (error) {
    if (!(error instanceof TaskNotFound)) throw error
    const registry = archivesFor(source)
    if (registry === null || source.dataDir === null) throw error
    const task = await archivedTask(source.dataDir, registry.base, taskId)
    if (task === null) throw error
    return task
  }
}

/** A cursor into the archive part of a combined listing; `list`'s own cursors never start like this. */
const ARCHIVE_PREFIX = 'archive:'
const toArchiveCursor = (inner: string) => Buffer.from(`${ARCHIVE_PREFIX}${inner}`).toString('base64url')
const fromArchiveCursor = (cursor: string): string | null => {
  const text = Buffer.from(cursor, 'base64url').toString()
  return text.startsWith(ARCHIVE_PREFIX) ? text.slice(ARCHIVE_PREFIX.length) : null
}

/**
 * `list({ archived: true })`: first the current epoch's tasks (every status, newest first, `list`'s
 * own pages and cursors), then the archived finished tasks newest first across the sealed epochs
 * (a task the current epoch also holds is listed once, from the current epoch). A page may hold
 * the last current tasks and the first archived ones; cursors of the archive part are marked so
 * the next call knows where to go on (pass `archived: true` with them: without it they are refused).
 */
export const listWithArchive = async (
  source: ArchiveSource,
  opts: ListOptions,
  current: (opts: ListOptions) => Page<Task>,
  inCurrent: (taskId: string) => boolean,
): Promise<Page<Task>> => {
  const { archived: _, ...filters } = opts
  const registry = archivesFor(source)
  if (registry === null || source.dataDir === null) return current(filters)
  const limit = checkListOptions(filters)
  const archiveCursor = filters.cursor ? fromArchiveCursor(filters.cursor) : null
  let items: Task[] = []
  if (archiveCursor === null) {
    const page = current(filters)
    if (page.nextCursor !== null) return page
    items = page.items
  }
  const rest = limit - items.length
  // With the page full already, one row says whether an archive page follows.
  const { cursor: _c, ...archiveFilters } = filters
  const archive = await listArchived(source.dataDir, registry.base, {
    ...archiveFilters,
    limit: Math.max(rest, 1),
    ...(archiveCursor ? { cursor: archiveCursor } : {}),
    skip: inCurrent,
  })
  if (rest === 0) return { items, nextCursor: archive.items.length > 0 ? toArchiveCursor(archiveCursor ?? '') : null }
  return { items: [...items, ...archive.items], nextCursor: archive.nextCursor === null ? null : toArchiveCursor(archive.nextCursor) }
}

/**
 * `activity`: the current epoch's answer (`current`, read synchronously by the caller), continued
 * into the archives when it runs short. With `before` (or neither), older entries come from the
 * newest sealed epoch back, below the current epoch's lowest seq; with `since` below the
 * archives' end, the archived entries after it come first, then the current epoch's.
 */
export const activityWithArchive = async (
  source: ArchiveSource,
  opts: ActivityOptions,
  current: ActivityEntry[],
  floor: () => number | null,
): Promise<ActivityEntry[]> => {
  const limit = opts.limit ?? 100
  if (opts.since === undefined && current.length >= limit) return current
  const registry = archivesFor(source)
  if (registry === null || source.dataDir === null) return current
  const end = archivedActivityEnd(registry)
  if (opts.since !== undefined && end !== null && opts.since >= end) return current
  const lowest = floor()
  const below = lowest ?? undefined
  if (opts.since !== undefined) {
    const old = await archivedActivity(source.dataDir, registry.base, { ...opts, ...(below !== undefined ? { below } : {}) })
    if (old.length >= limit) return old
    const top = old.at(-1)?.seq ?? opts.since
    return [...old, ...current.filter((e) => e.seq > top)].slice(0, limit)
  }
  const old = await archivedActivity(source.dataDir, registry.base, {
    ...opts,
    limit: limit - current.length,
    ...(below !== undefined ? { below } : {}),
  })
  return [...old, ...current]
}
