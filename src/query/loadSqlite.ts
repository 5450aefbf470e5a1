import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

/** The part of wa-sqlite's synchronous node build (LiveStore's own SQLite) the query worker uses. */
export type Sqlite3 = {
  open_v2Sync(name: string, flags?: number, vfs?: string): number
  close(db: number): number
  deserialize(db: number, schema: string, data: Uint8Array, szDb: number, szBuf: number, flags: number): number
  limit(db: number, id: number, value: number): number
  progress_handler(db: number, ops: number, handler: () => number, userData: null): void
  statements(db: number, sql: string, options: { unscoped: true }): number[]
  step(stmt: number): number
  column_names(stmt: number): string[]
  column(stmt: number, index: number): unknown
  finalize(stmt: number): number
  exec(db: number, sql: string): number
  module: {
    HEAPU8: Uint8Array
    _sqlite3_stmt_readonly(stmt: number): number
    /** int64 argument, passed as two 32-bit halves by this build: (low, high). */
    _sqlite3_hard_heap_limit64(low: number, high: number): number
  }
}

/**
 * `@livestore/sqlite-wasm` comes with `@livestore/adapter-node`; an installation that did not
 * hoist it to the top-level node_modules still has it beside the adapter, so look there next.
 */
export const loadSqlite3 = async (): Promise<Sqlite3> => {
  let mod: { loadSqlite3Wasm: () => Promise<unknown> }
  try {
    mod = await import('@livestore/sqlite-wasm/load-wasm')
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw error
    const adapter = createRequire(import.meta.url).resolve('@livestore/adapter-node')
    mod = await import(pathToFileURL(createRequire(adapter).resolve('@livestore/sqlite-wasm/load-wasm')).href)
  }
  return (await mod.loadSqlite3Wasm()) as Sqlite3
}
