/**
 * Keeps the LiveStore leader's compiled SQL statements instead of compiling each one again for
 * every event (docs/design.md, "The leader's statement cache").
 *
 * LiveStore 0.4.0's leader runs every materializer statement, and its own event-log and changeset
 * inserts, as prepare → step → finalize (`execute` in `@livestore/sqlite-wasm`'s
 * `make-sqlite-db.js`, "TODO use cached prepared statements"): a completion event's ten statements
 * cost 1.8 ms to compile in wasm SQLite before any row is touched, and compiling was 8.5 % of a
 * busy host's CPU (bench/README.md, "Round 3"). The client session already caches its statements.
 *
 * wa-sqlite calls SQLite through its Emscripten module, looking each C function up by name on
 * every call (`getCFunc` reads `Module["_sqlite3_prepare_v3"]` each time), so the module's
 * `_sqlite3_prepare_v3`, `_sqlite3_finalize` and `_sqlite3_close`/`_close_v2` can be wrapped
 * without editing LiveStore's files:
 * - prepare: the same SQL text (and flags) on the same database gets the statement compiled
 *   before, if nobody holds it; otherwise SQLite compiles a new one, which is kept for next time;
 * - finalize of a kept statement resets it and clears its bindings instead (every use binds all
 *   its parameters anew);
 * - close finalizes the database's kept statements first (SQLite refuses to close a database with
 *   live statements, and a freed database's address may be reused).
 * The client session's own database is left out: it keeps its statements itself. SQLite
 * recompiles a kept statement by itself when the schema changes. At most `MAX_KEPT` statements
 * per database are kept, least recently used first out.
 */
import { liveStoreVersion } from '@livestore/common'

type Fn = (...args: number[]) => number

/** The LiveStore whose leader was read and measured (its wa-sqlite build calls SQLite by name). */
const CACHED_LIVESTORE = '0.4.0'

/** The parts of wa-sqlite's Emscripten module this uses. */
export type SqliteModule = {
  UTF8ToString(ptr: number, maxBytesToRead?: number): string
  getValue(ptr: number, type: string): number
  setValue(ptr: number, value: number, type: string): void
  _sqlite3_prepare_v3: Fn
  _sqlite3_finalize: Fn
  _sqlite3_reset: Fn
  _sqlite3_clear_bindings: Fn
  _sqlite3_close: Fn
  _sqlite3_close_v2?: Fn
}

const MAX_KEPT = 256
const SQLITE_OK = 0

type Kept = { readonly db: number; readonly key: string; readonly stmt: number; readonly tailOffset: number; inUse: boolean }

const installed = new WeakSet<object>()

/** Counters for tests and benchmarks: compiled by SQLite vs handed out again. */
export const statementCacheCounters = { compiled: 0, reused: 0 }

/**
 * Wraps the module's prepare/finalize/close (once per module). `skipDb` is the client session's
 * database pointer.
 */
export const installStatementCache = (module: SqliteModule, skipDb: number): void => {
  if (installed.has(module)) return
  installed.add(module)
  const prepare = module._sqlite3_prepare_v3.bind(module)
  const finalize = module._sqlite3_finalize.bind(module)
  const reset = module._sqlite3_reset.bind(module)
  const clearBindings = module._sqlite3_clear_bindings.bind(module)
  const byDb = new Map<number, Map<string, Kept>>()
  const byStmt = new Map<number, Kept>()

  const forget = (kept: Kept): void => {
    byStmt.delete(kept.stmt)
    byDb.get(kept.db)?.delete(kept.key)
  }

  module._sqlite3_prepare_v3 = (db, zSql, nByte, flags, ppStmt, pzTail) => {
    if (db === skipDb) return prepare(db, zSql, nByte, flags, ppStmt, pzTail)
    const key = `${flags}:${nByte >= 0 ? module.UTF8ToString(zSql, nByte) : module.UTF8ToString(zSql)}`
    let kept = byDb.get(db)
    const hit = kept?.get(key)
    if (hit && !hit.inUse) {
      hit.inUse = true
      // Most recently used last: the first entry is the one to drop.
      kept!.delete(key)
      kept!.set(key, hit)
      module.setValue(ppStmt, hit.stmt, '*')
      module.setValue(pzTail, zSql + hit.tailOffset, '*')
      statementCacheCounters.reused++
      return SQLITE_OK
    }
    const rc = prepare(db, zSql, nByte, flags, ppStmt, pzTail)
    const stmt = rc === SQLITE_OK ? module.getValue(ppStmt, '*') : 0
    // (A text's empty tail compiles to no statement: not counted.)
    if (stmt !== 0) statementCacheCounters.compiled++
    // A text already kept (and held by someone) gets a statement of its own, finalized as usual.
    if (stmt === 0 || hit) return rc
    if (!kept) byDb.set(db, (kept = new Map()))
    const entry: Kept = { db, key, stmt, tailOffset: module.getValue(pzTail, '*') - zSql, inUse: true }
    kept.set(key, entry)
    byStmt.set(stmt, entry)
    if (kept.size > MAX_KEPT) {
      for (const old of kept.values()) {
        if (old.inUse) continue
        forget(old)
        finalize(old.stmt)
        break
      }
    }
    return rc
  }

  module._sqlite3_finalize = (stmt) => {
    const kept = byStmt.get(stmt)
    if (!kept) return finalize(stmt)
    if (kept.inUse) {
      reset(stmt)
      clearBindings(stmt)
      kept.inUse = false
    }
    return SQLITE_OK
  }

  const closing =
    (close: Fn): Fn =>
    (db) => {
      const kept = byDb.get(db)
      if (kept) {
        for (const entry of [...kept.values()]) {
          forget(entry)
          finalize(entry.stmt)
        }
        byDb.delete(db)
      }
      return close(db)
    }
  module._sqlite3_close = closing(module._sqlite3_close.bind(module))
  if (module._sqlite3_close_v2) module._sqlite3_close_v2 = closing(module._sqlite3_close_v2.bind(module))
}

/**
 * Installs the cache for `store`'s leader when it runs in this thread (LiveStore's single-threaded
 * node adapter gives the client session and the leader one wa-sqlite module; it is reachable
 * through the session database's VFS). Returns whether it did; `LIVEQUEUE_LIVESTORE_PATCH=0`
 * turns it off with the other LiveStore patch, and another LiveStore version, or anything not
 * shaped as read here, is left alone.
 */
export const cacheLeaderStatements = (sessionDb: unknown): boolean => {
  if (process.env.LIVEQUEUE_LIVESTORE_PATCH === '0' || liveStoreVersion !== CACHED_LIVESTORE) return false
  const metadata = (sessionDb as { metadata?: { dbPointer?: unknown; vfs?: { _module?: unknown } } } | null)?.metadata
  const module = metadata?.vfs?._module as Partial<SqliteModule> | undefined
  const dbPointer = metadata?.dbPointer
  const shaped =
    typeof dbPointer === 'number' &&
    module !== undefined &&
    typeof module.UTF8ToString === 'function' &&
    typeof module.getValue === 'function' &&
    typeof module.setValue === 'function' &&
    (['_sqlite3_prepare_v3', '_sqlite3_finalize', '_sqlite3_reset', '_sqlite3_clear_bindings', '_sqlite3_close'] as const).every(
      (name) => typeof module[name] === 'function',
    )
  if (!shaped) return false
  installStatementCache(module as SqliteModule, dbPointer)
  return true
}
