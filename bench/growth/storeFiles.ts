import * as fs from 'node:fs'
import * as path from 'node:path'
import Database from 'better-sqlite3'

export type StoreFiles = { stateBytes: number; changesetBytes: number; eventlogBytes: number }

/**
 * The sizes of a closed store's files: LiveStore 0.4.0 keeps one state database
 * (`state<hash>@6.db`) and one event log (`eventlog@6.db`) per store. `changesetBytes` is how much
 * of the state database `__livestore_session_changeset` takes (SQLite's dbstat, read-only): the
 * leader keeps a changeset per event for rebasing and trims them only when a sync backend
 * confirms events, so without one they stay forever (LeaderSyncProcessor `trimChangesetRows`).
 */
export const storeFiles = (dataDir: string): StoreFiles => {
  const files = fs.readdirSync(dataDir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dataDir, f))
  const state = files.find((f) => /state-?\d*@\d+\.db$/.test(f))
  const eventlog = files.find((f) => /eventlog@\d+\.db$/.test(f))
  const size = (f: string | undefined) => (f === undefined ? 0 : fs.statSync(f).size)
  return { stateBytes: size(state), changesetBytes: state === undefined ? 0 : changesetBytes(state), eventlogBytes: size(eventlog) }
}

const changesetBytes = (file: string): number => {
  const db = new Database(file, { readonly: true })
  try {
    const row = db.prepare(`SELECT sum(pgsize) AS bytes FROM dbstat WHERE name = '__livestore_session_changeset'`).get() as { bytes: number | null }
    return row.bytes ?? 0
  } finally {
    db.close()
  }
}
