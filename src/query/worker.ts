import { parentPort } from 'node:worker_threads'
import { loadSqlite3 } from './loadSqlite.js'
import type { QueryFailureKind, QueryOutcome, QueryReply, QueryRequest } from './protocol.js'

/**
 * The query worker: user SQL runs here, on a read-only copy of the state database, so a heavy
 * query costs this thread, not the host's event loop, and the host can end it (runner.ts).
 * One query at a time; the snapshot stays loaded until the host sends a newer one.
 */

// sqlite3.h: result codes, limit ids, sqlite3_deserialize flags.
const SQLITE_OK = 0
const SQLITE_NOMEM = 7
const SQLITE_INTERRUPT = 9
const SQLITE_TOOBIG = 18
const SQLITE_ROW = 100
const SQLITE_LIMIT_LENGTH = 0
const SQLITE_LIMIT_ATTACHED = 7
const DESERIALIZE_FREEONCLOSE = 1
const DESERIALIZE_READONLY = 4

/**
 * SQLite calls the progress handler every this many VM steps; it interrupts the query past its
 * deadline. A query making 1 MB blobs ran 2.4 s past a 300 ms deadline with checks every 10,000
 * steps, 86 ms past with every 1,000; a 2M-row count took 1.6 s (median of 5) with checks every
 * 1,000 steps and without any.
 */
const PROGRESS_STEPS = 1_000

const port = parentPort
if (!port) throw new Error('src/query/worker.ts runs as a worker thread (see runner.ts)')

const sqlite3 = await loadSqlite3()
let db: number | null = null
/** The wasm memory right after the snapshot loaded: growth beyond it is what a query left. */
let loadedHeap = 0
/** What the progress handler checks: past either, the running statement is interrupted. */
let deadline = 0
let memoryCeiling = 0
let stoppedFor: 'timeout' | 'memory' = 'timeout'

/**
 * This SQLite build has memory statistics off (sqlite3_memory_used() answers 0), so
 * sqlite3_hard_heap_limit64 is not enforced; the wasm memory's size is checked instead.
 */
const overrun = (): number => {
  if (Date.now() > deadline) stoppedFor = 'timeout'
  else if (sqlite3.module.HEAPU8.length > memoryCeiling) stoppedFor = 'memory'
  else return 0
  return 1
}

const load = (snapshot: Uint8Array) => {
  if (db !== null) sqlite3.close(db)
  db = null
  const opened = sqlite3.open_v2Sync(':memory:')
  const rc = sqlite3.deserialize(opened, 'main', snapshot, snapshot.length, snapshot.length, DESERIALIZE_FREEONCLOSE | DESERIALIZE_READONLY)
  if (rc !== SQLITE_OK) throw new Error(`sqlite3_deserialize of the state snapshot failed (rc ${rc})`)
  // Read-only twice over (the deserialize flag and query_only): no statement can change the copy,
  // and no ATTACH can open another database (or a file) to write to.
  sqlite3.exec(opened, 'PRAGMA query_only = 1')
  sqlite3.limit(opened, SQLITE_LIMIT_ATTACHED, 0)
  // Sorts and temp b-trees in SQLite's heap (the wasm memory the progress handler watches): with
  // temp files instead, a 300 MB sort took the worker's RSS to 744 MB with the wasm memory unchanged.
  sqlite3.exec(opened, 'PRAGMA temp_store = MEMORY')
  sqlite3.progress_handler(opened, PROGRESS_STEPS, overrun, null)
  db = opened
  loadedHeap = sqlite3.module.HEAPU8.length
}

const kindOf = (code: unknown): QueryFailureKind =>
  code === SQLITE_INTERRUPT ? stoppedFor : code === SQLITE_TOOBIG ? 'valueTooBig' : code === SQLITE_NOMEM ? 'memory' : 'sql'

/** JSON as the HTTP answer will carry it; a 64-bit integer SQLite returns as a BigInt counts as its digits. */
const jsonBytes = (row: Record<string, unknown>) => Buffer.byteLength(JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)))

const run = (db: number, { sql, limits }: QueryRequest): QueryOutcome => {
  const fail = (kind: QueryFailureKind, message: string): QueryOutcome => ({ ok: false, kind, message })
  deadline = Date.now() + limits.timeoutMs
  memoryCeiling = loadedHeap + limits.memoryBytes
  sqlite3.limit(db, SQLITE_LIMIT_LENGTH, limits.valueBytes)
  let statements: number[] = []
  try {
    statements = sqlite3.statements(db, sql, { unscoped: true })
    const [stmt] = statements
    if (stmt === undefined) return fail('statements', 'no statement')
    if (statements.length > 1) return fail('statements', `one statement only; this has ${statements.length}`)
    // SQLite's own verdict, so a keyword inside a string or a quoted name does not matter.
    if (sqlite3.module._sqlite3_stmt_readonly(stmt) === 0) return fail('write', 'only a read-only SELECT is allowed; it may not write')
    const columns = sqlite3.column_names(stmt)
    const rows: Record<string, unknown>[] = []
    let bytes = 2 // []
    while (sqlite3.step(stmt) === SQLITE_ROW) {
      if (rows.length === limits.rowLimit) return { ok: true, rows, truncated: true }
      const row: Record<string, unknown> = {}
      columns.forEach((column, i) => {
        row[column] = sqlite3.column(stmt, i)
      })
      bytes += jsonBytes(row) + 1
      if (bytes > limits.resultBytes) return fail('resultTooBig', `after ${rows.length} rows`)
      rows.push(row)
    }
    return { ok: true, rows, truncated: false }
  } catch (error) {
    return fail(kindOf((error as { code?: unknown }).code), (error as Error).message)
  } finally {
    for (const stmt of statements) sqlite3.finalize(stmt)
  }
}

port.on('message', (request: QueryRequest) => {
  let reply: QueryOutcome
  try {
    if (request.snapshot) load(request.snapshot)
    if (db === null) throw new Error('the query worker has no snapshot loaded')
    reply = run(db, request)
  } catch (error) {
    reply = { ok: false, kind: 'internal', message: (error as Error).message }
  }
  const message: QueryReply = { ...reply, id: request.id, grownBytes: sqlite3.module.HEAPU8.length - loadedHeap }
  port.postMessage(message)
})
