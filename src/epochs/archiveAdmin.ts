import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Writable } from 'node:stream'
import type { WorkerTaskRow } from '../../schema/workerTasks.js'
import { taskWithExecutions } from '../queue/read.js'
import { journalFile } from '../store/journal.js'
import { FINISHED_SQL, readEpoch, registryIfAny, SAFE_STORE_ID } from './archive.js'
import { ArchiveDropped, EpochNotFound, EpochNotSealed } from './errors.js'
import { currentEpoch, type EpochInfo, type EpochRegistry, readRegistry, writeRegistry } from './registry.js'

/**
 * Managing archives (sealed epochs) as a whole: list them with their sizes and counts, export one
 * as JSON lines, drop one, apply retention. Reading tasks out of them is src/epochs/archive.ts.
 */
export type ArchiveInfo = {
  epoch: number
  storeId: string
  openedAt: number
  /** Null for the current epoch. */
  sealedAt: number | null
  activitySeqEnd: number | null
  current: boolean
  dropped: boolean
  /** Bytes on disk: the store's directory and its journal. */
  bytes: number
  /** Tasks by status in a sealed epoch (finished ones are its archive); null for the current or a dropped epoch. */
  tasks: Record<string, number> | null
  /** Why a sealed epoch's tasks could not be counted. */
  error?: string
}

const bytesUnder = (target: string): number => {
  let stat: fs.Stats
  try {
    stat = fs.lstatSync(target)
  } catch {
    return 0
  }
  if (!stat.isDirectory()) return stat.size
  let total = 0
  for (const name of fs.readdirSync(target)) total += bytesUnder(path.join(target, name))
  return total
}

const epochBytes = (dataDir: string, storeId: string): number =>
  SAFE_STORE_ID.test(storeId) ? bytesUnder(path.join(dataDir, storeId)) + bytesUnder(journalFile(dataDir, storeId)) : 0

/** Every epoch of the data dir, oldest first: sizes on disk and, for sealed ones, task counts. */
export const listArchives = async (dataDir: string, base: string): Promise<ArchiveInfo[]> => {
  const registry = readRegistry(dataDir, base)
  const current = currentEpoch(registry)
  const out: ArchiveInfo[] = []
  for (const epoch of registry.epochs) {
    const isCurrent = epoch === current
    const info: ArchiveInfo = {
      epoch: epoch.number,
      storeId: epoch.storeId,
      openedAt: epoch.openedAt,
      sealedAt: epoch.sealedAt,
      activitySeqEnd: epoch.activitySeqEnd,
      current: isCurrent,
      dropped: epoch.dropped === true,
      bytes: epochBytes(dataDir, epoch.storeId),
      tasks: null,
    }
    if (!isCurrent && epoch.sealedAt !== null && !epoch.dropped) {
      try {
        info.tasks = await readEpoch(dataDir, epoch, (select) =>
          Object.fromEntries(
            select<{ status: string; n: number }>('SELECT status, count(*) AS n FROM workerTasks GROUP BY status', {}).map((r) => [r.status, r.n]),
          ),
        )
      } catch (error) {
        info.error = (error as Error).message
      }
    }
    out.push(info)
  }
  return out
}

/** A sealed, not dropped epoch by number, or the error saying why not. */
const sealedEpoch = (registry: EpochRegistry, epoch: number): EpochInfo => {
  const info = registry.epochs.find((e) => e.number === epoch)
  if (info === undefined) throw new EpochNotFound({ epoch })
  if (info === currentEpoch(registry) || info.sealedAt === null) throw new EpochNotSealed({ epoch })
  return info
}

/** Tasks per export page; a page also stops at this many characters of JSON columns (a page of 1-MiB payloads is small). */
const EXPORT_PAGE = 256
const EXPORT_PAGE_CHARS = 8 * 1024 * 1024

/**
 * The finished tasks of a sealed epoch, each with its executions, as JSON lines (one task per
 * line, `\n`-terminated), oldest row first. Reads a page at a time (≤ 256 tasks and ≤ ~8 MiB of
 * JSON columns), opening the file per page: memory stays bounded whatever the archive's size,
 * and a consumer that stops early leaves nothing open.
 */
export async function* exportArchive(dataDir: string, base: string, epoch: number): AsyncGenerator<string> {
  const info = sealedEpoch(readRegistry(dataDir, base), epoch)
  if (info.dropped) throw new ArchiveDropped({ epoch })
  let after = 0
  for (;;) {
    const page = await readEpoch(dataDir, info, (select) => {
      const heads = select<{ r: number; c: number }>(
        `SELECT rowid AS r, length(payload) + ifnull(length(result), 0) + ifnull(length(metadata), 0) + ifnull(length(lastError), 0) AS c
         FROM workerTasks t WHERE rowid > $after AND ${FINISHED_SQL} ORDER BY rowid LIMIT ${EXPORT_PAGE}`,
        { after },
      )
      if (heads.length === 0) return null
      let upto = heads[0]?.r ?? after
      let chars = 0
      for (const head of heads) {
        if (chars > 0 && chars + head.c > EXPORT_PAGE_CHARS) break
        chars += head.c
        upto = head.r
      }
      const rows = select<WorkerTaskRow & { r: number }>(
        `SELECT rowid AS r, * FROM workerTasks t WHERE rowid > $after AND rowid <= $upto AND ${FINISHED_SQL} ORDER BY rowid`,
        { after, upto },
      )
      return { upto, lines: rows.map((row) => `${JSON.stringify(taskWithExecutions(select, row))}\n`) }
    })
    if (page === null) return
    after = page.upto
    yield page.lines.join('')
  }
}

/** `exportArchive` into a stream (a file, stdout), waiting for it to drain; resolves with the number of tasks written. */
export const exportArchiveTo = async (dataDir: string, base: string, epoch: number, out: Writable): Promise<{ epoch: number; tasks: number }> => {
  let tasks = 0
  for await (const chunk of exportArchive(dataDir, base, epoch)) {
    for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) tasks++
    if (!out.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const done = (error?: Error) => {
          out.off('drain', done)
          out.off('error', done)
          if (error) reject(error)
          else resolve()
        }
        out.on('drain', done)
        out.on('error', done)
      })
    }
  }
  return { epoch, tasks }
}

export type DropResult = { epoch: number; storeId: string; freedBytes: number; alreadyDropped: boolean }

/**
 * Deletes a sealed epoch's files and marks it `dropped` in the registry; refuses the current
 * epoch (`EpochNotSealed`). The registry is marked first, so a crash midway leaves an epoch no
 * reader looks at; dropping it again deletes what is left. Run it where no other process
 * rewrites the registry: inside the host (retention), or with no host running (the CLI checks).
 */
export const dropArchive = (dataDir: string, base: string, epoch: number): DropResult => {
  const registry = readRegistry(dataDir, base)
  const info = sealedEpoch(registry, epoch)
  if (!SAFE_STORE_ID.test(info.storeId)) throw new EpochNotFound({ epoch })
  const alreadyDropped = info.dropped === true
  if (!alreadyDropped) {
    writeRegistry(dataDir, { ...registry, epochs: registry.epochs.map((e) => (e.number === epoch ? { ...e, dropped: true } : e)) })
  }
  const freedBytes = epochBytes(dataDir, info.storeId)
  fs.rmSync(path.join(dataDir, info.storeId), { recursive: true, force: true })
  fs.rmSync(journalFile(dataDir, info.storeId), { force: true })
  return { epoch, storeId: info.storeId, freedBytes, alreadyDropped }
}

export type RetentionResult = { keepDays: number; cutoff: number; dropped: DropResult[] }

/** Drops every sealed epoch sealed more than `keepDays` ago (the current epoch is never dropped). */
export const applyRetention = (dataDir: string, base: string, opts: { keepDays: number; now?: number }): RetentionResult => {
  const { keepDays } = opts
  if (!(Number.isFinite(keepDays) && keepDays >= 0)) throw new RangeError(`keepDays must be a number of days ≥ 0, got ${keepDays}`)
  const cutoff = (opts.now ?? Date.now()) - keepDays * 86_400_000
  const registry = registryIfAny(dataDir, base)
  if (registry === null) return { keepDays, cutoff, dropped: [] }
  const current = currentEpoch(registry)
  const old = registry.epochs.filter((e) => e !== current && e.sealedAt !== null && !e.dropped && e.sealedAt < cutoff)
  return { keepDays, cutoff, dropped: old.map((e) => dropArchive(dataDir, base, e.number)) }
}
