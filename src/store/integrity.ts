import * as fs from 'node:fs'
import type { SqliteDb } from '@livestore/common'
import { schema } from '../../schema/index.js'
import { StoreCorrupt } from '../errors.js'
import { Journal, journalFile, lastSeqOf } from './journal.js'
import { inspectHeader } from './sqliteHeader.js'
import { sqliteReason, withSqliteFile } from './sqliteReader.js'
import { type StoreFiles, storeFiles } from './storeFiles.js'

/**
 * The start-up integrity check, run after the lock is taken and before LiveStore opens the
 * store. LiveStore trusts its two files blindly: with an emptied event log it serves the state
 * DB's tasks and writes new events from number 1 again; with the state DB deleted as well it
 * rebuilds from the emptied log and the tasks are gone, silently. So:
 *
 * - the event log must be a readable SQLite file with LiveStore's `eventlog` table (or be
 *   missing/empty: a new store);
 * - the state DB records the last event it was built from: the newest row of
 *   `__livestore_session_changeset` (LiveStore keeps that row on purpose, LeaderSyncProcessor
 *   `trimChangesetRows`). That event must be in the log (else the log lost events), and no
 *   event this schema knows may follow it in the log (else the state DB is stale);
 * - a missing state DB is fine: LiveStore rebuilds it from the log.
 *
 * Reads only; a refusal changes nothing on disk. Measured on a store of 10,000 events (6.3 MB
 * log, 14 MB state DB) on the shared 2-core box: the first check in a process 91-300 ms (load
 * average 7-11; loading the wasm SQLite is 24 ms of it when idle), a repeat 10-13 ms. Against
 * a start of ~4 s for that store, and ~31 s more when the state DB must be rebuilt from the log.
 */
export const checkStoreIntegrity = async (dataDir: string, storeId: string): Promise<void> => {
  const files = storeFiles(dataDir, storeId)
  const state = await readState(files.state)
  const log = await readLog(files.eventlog, state.kind === 'built' ? state.head : ROOT)
  const corrupt = (problem: string, recovery: string) => new StoreCorrupt({ dataDir, files: [files.eventlog, files.state], problem, recovery })

  if (log.kind === 'bad') throw corrupt(`the event log ${files.eventlog} is damaged: ${log.reason}`, logDamagedRecovery(dataDir, files, state.kind === 'built'))
  if (state.kind === 'bad') {
    throw corrupt(
      `the state database ${files.state} is damaged: ${state.reason}; the event log ${files.eventlog} is intact (it ends at ${describeHead(log)})`,
      `stop every livequeue process using ${dataDir}, delete ${files.state} (only that file) and start again: LiveStore rebuilds it from the event log`,
    )
  }
  if (state.kind !== 'built' || isRoot(state.head)) {
    if (state.kind === 'built' && log.kind === 'ok' && log.laterKnownEvents > 0) throw staleState(corrupt, dataDir, files, state.head, log)
    return
  }
  if (log.kind === 'ok' && !log.hasStateHead && crashedBetweenCommits(dataDir, storeId, state.head, log.head)) {
    // LiveStore's leader commits the state database, then the event log: a kill -9 in between
    // leaves the state one batch ahead. The journal holds that batch, so rebuild the state from the
    // log (LiveStore does when the file is missing) and let the journal replay the rest.
    const aside = `${files.state}.ahead-of-log-${Date.now()}`
    fs.renameSync(files.state, aside)
    process.stderr.write(
      `livequeue: the state database was ahead of the event log by ${state.head.global - (log.head?.global ?? 0)} events (a crash between LiveStore's two commits); rebuilding it from the log and the journal (the old one is kept as ${aside})\n`,
    )
    return
  }
  if (log.kind !== 'ok' || !log.hasStateHead) {
    const logSays = log.kind === 'missing' ? 'is missing' : log.kind === 'empty' ? 'is empty (0 bytes)' : `ends at ${describeHead(log)}`
    throw corrupt(
      `the state database ${files.state} was built from the events up to event ${seq(state.head)}, but the event log ${files.eventlog} ${logSays}: the log has lost events (truncated, emptied or replaced), and the queue would rebuild from what is left`,
      `stop every livequeue process using ${dataDir}, then restore ${files.eventlog} from a backup that holds event ${seq(state.head)}. ` +
        `Keep ${files.state} until then: it still holds every task's current state (readable with any sqlite3 client, table workerTasks). ` +
        `Only if there is no backup and losing the missing events is acceptable: delete ${files.state} and start again; the state is rebuilt from the events left in the log ` +
        '(a host killed in the middle of a write can leave the log one batch short of the state DB; the recovery is the same)',
    )
  }
  if (log.laterKnownEvents > 0) throw staleState(corrupt, dataDir, files, state.head, log)
}

type Seq = { readonly global: number; readonly client: number }
const ROOT: Seq = { global: 0, client: 0 }
const isRoot = (s: Seq) => s.global === 0 && s.client === 0
const seq = (s: Seq) => (s.client === 0 ? `${s.global}` : `${s.global}.${s.client}`)

type StateView = { kind: 'none' } | { kind: 'built'; head: Seq } | { kind: 'bad'; reason: string }
type LogView =
  | { kind: 'missing' | 'empty' }
  | { kind: 'ok'; head: Seq | null; hasStateHead: boolean; laterKnownEvents: number }
  | { kind: 'bad'; reason: string }

const describeHead = (log: LogView): string =>
  log.kind === 'ok' && log.head !== null ? `event ${seq(log.head)}` : log.kind === 'bad' ? 'unreadable' : 'no events'

const readState = async (file: string): Promise<StateView> => {
  const header = inspectHeader(file)
  if (header.kind === 'missing' || header.kind === 'empty') return { kind: 'none' }
  if (header.kind === 'bad') return { kind: 'bad', reason: header.reason }
  try {
    return await withSqliteFile(file, (db): StateView => {
      if (!tableNames(db).has(CHANGESETS)) return { kind: 'none' } // LiveStore rebuilds it
      const row = db.select<{ g: number; c: number }>(
        `SELECT seqNumGlobal AS g, seqNumClient AS c FROM ${CHANGESETS} ORDER BY seqNumGlobal DESC, seqNumClient DESC LIMIT 1`,
      )[0]
      return { kind: 'built', head: row ? { global: row.g, client: row.c } : ROOT }
    })
  } catch (error) {
    return { kind: 'bad', reason: `SQLite cannot read it (${sqliteReason(error)})` }
  }
}

const readLog = async (file: string, stateHead: Seq): Promise<LogView> => {
  const header = inspectHeader(file)
  if (header.kind === 'missing' || header.kind === 'empty') return { kind: header.kind }
  if (header.kind === 'bad') return { kind: 'bad', reason: header.reason }
  try {
    return await withSqliteFile(file, (db): LogView => {
      const tables = tableNames(db)
      if (tables.size === 0) return { kind: 'empty' }
      if (!tables.has(EVENTLOG)) return { kind: 'bad', reason: `it is a SQLite database without LiveStore's ${EVENTLOG} table (another file?)` }
      const last = db.select<{ g: number; c: number }>(
        `SELECT seqNumGlobal AS g, seqNumClient AS c FROM ${EVENTLOG} ORDER BY seqNumGlobal DESC, seqNumClient DESC LIMIT 1`,
      )[0]
      const { global: g, client: c } = stateHead
      const hasStateHead = isRoot(stateHead) || db.select(`SELECT 1 FROM ${EVENTLOG} WHERE seqNumGlobal = ${g} AND seqNumClient = ${c} LIMIT 1`).length > 0
      // Events a newer schema wrote are kept in the log but never materialized: only known ones count.
      const later = db.select<{ n: number }>(
        `SELECT count(*) AS n FROM ${EVENTLOG} WHERE (seqNumGlobal, seqNumClient) > (${g}, ${c}) AND name IN (${KNOWN_EVENTS})`,
      )[0]
      return { kind: 'ok', head: last ? { global: last.g, client: last.c } : null, hasStateHead, laterKnownEvents: later?.n ?? 0 }
    })
  } catch (error) {
    return { kind: 'bad', reason: `SQLite cannot read it (${sqliteReason(error)})` }
  }
}

const staleState = (
  corrupt: (problem: string, recovery: string) => StoreCorrupt,
  dataDir: string,
  files: StoreFiles,
  head: Seq,
  log: LogView & { kind: 'ok' },
) =>
  corrupt(
    `the state database ${files.state} was built from the events up to event ${seq(head)}, but the event log ${files.eventlog} holds ${log.laterKnownEvents} later events (it ends at ${describeHead(log)}): the state database is stale (restored from an older backup?)`,
    `stop every livequeue process using ${dataDir}, delete ${files.state} (only that file) and start again: LiveStore rebuilds it from the event log`,
  )

const logDamagedRecovery = (dataDir: string, files: StoreFiles, stateReadable: boolean): string =>
  `stop every livequeue process using ${dataDir}, then restore ${files.eventlog} from a backup; the event log is the source of truth and cannot be rebuilt. ` +
  (stateReadable ? `Keep ${files.state} until then: it still holds every task's current state (readable with any sqlite3 client, table workerTasks). ` : '') +
  `With no backup, move ${files.dir} aside to start an empty queue (its tasks are lost)`

const EVENTLOG = 'eventlog'
const CHANGESETS = '__livestore_session_changeset'
const KNOWN_EVENTS = [...schema.eventsDefsMap.keys()].map((name) => `'${name.replaceAll("'", "''")}'`).join(', ')

const tableNames = (db: SqliteDb): Set<string> =>
  new Set(db.select<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table'`).map((row) => row.name))

/** LiveStore's leader takes local pushes in batches of at most 10 events (LeaderSyncProcessor, 0.4.0). */
const LEADER_BATCH_EVENTS = 10

/**
 * Whether the state database is ahead of the event log only by what one interrupted leader batch
 * leaves, and the journal holds every event in between (so nothing is lost by rebuilding).
 */
const crashedBetweenCommits = (dataDir: string, storeId: string, stateHead: Seq, logHead: Seq | null): boolean => {
  const from = logHead?.global ?? 0
  const to = stateHead.global
  if (stateHead.client !== 0 || to <= from || to - from > LEADER_BATCH_EVENTS) return false
  const file = journalFile(dataDir, storeId)
  if (!fs.existsSync(file)) return false
  const journal = Journal.open(file)
  try {
    for (let n = from + 1; n <= to; n++) if (!journal.pending().some((r) => r.firstSeq <= n && n <= lastSeqOf(r))) return false
    return true
  } finally {
    journal.close()
  }
}
