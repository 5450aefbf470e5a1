import * as path from 'node:path'
import { StoreOpenFailed } from '../errors.js'
import { checkStoreIntegrity } from './integrity.js'
import { makeFilesPrivate, makePrivateDir } from './permissions.js'
import { sqliteReason } from './sqliteReader.js'
import { storeFiles } from './storeFiles.js'

/**
 * What `openStore` does around LiveStore's own open of a data dir (the lock is already held):
 * before, the integrity check (refuses with `StoreCorrupt`, changing nothing) and a private
 * store directory; after, private files; a failed open becomes `StoreOpenFailed` naming the files.
 */
export const beforeOpen = async (dataDir: string, storeId: string): Promise<void> => {
  await checkStoreIntegrity(dataDir, storeId)
  makePrivateDir(dataDir, storeId)
}

export const afterOpen = (dataDir: string): void => makeFilesPrivate(dataDir)

/** LiveStore's open failures are a page of Effect causes naming no file; livequeue's own tagged errors pass. */
export const openFailed = (dataDir: string, storeId: string, error: unknown): unknown => {
  if (typeof (error as { _tag?: unknown })?._tag === 'string' && !isLiveStoreTag((error as { _tag: string })._tag)) return error
  const files = storeFiles(dataDir, storeId)
  return new StoreOpenFailed({ dataDir, files: [files.eventlog, files.state].map((f) => path.relative(dataDir, f)), reason: sqliteReason(error) })
}

const isLiveStoreTag = (tag: string) =>
  ['UnknownError', 'SqliteError', 'MaterializeError', 'LiveStore.UnknownError'].includes(tag) || tag.startsWith('LiveStore')
