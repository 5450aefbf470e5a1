import * as path from 'node:path'
import * as NodeFileSystem from '@effect/platform-node/NodeFileSystem'
import type { MakeSqliteDb, SqliteDb } from '@livestore/common'
import { loadSqlite3Wasm } from '@livestore/sqlite-wasm/load-wasm'
import { sqliteDbFactory } from '@livestore/sqlite-wasm/node'
import { Effect } from 'effect'

/**
 * Reads a store file with LiveStore's own SQLite (wasm, through the same Node VFS as
 * @livestore/adapter-node, so a hot journal is rolled back exactly as LiveStore would): no
 * native module. Loading the wasm took 24 ms, opening a 14 MB state DB 22 ms (see integrity.ts).
 * Only used before the store opens; it never writes (SQLite writes nothing on open and reads).
 */
let factory: Promise<MakeSqliteDb> | null = null

const makeDb = (): Promise<MakeSqliteDb> => {
  factory ??= loadSqlite3Wasm().then((sqlite3) => Effect.runPromise(sqliteDbFactory({ sqlite3 }).pipe(Effect.provide(NodeFileSystem.layer))))
  return factory
}

/** Runs `use` on the SQLite file `file` (which must exist) and closes it. */
export const withSqliteFile = async <A>(file: string, use: (db: SqliteDb) => A): Promise<A> => {
  const make = await makeDb()
  const db = await Effect.runPromise(make({ _tag: 'fs', directory: path.dirname(file), fileName: path.basename(file) }))
  try {
    return use(db)
  } finally {
    db.close()
  }
}

/** SQLite's own words for a failed query ("file is not a database"), without LiveStore's wrapping. */
export const sqliteReason = (error: unknown): string => {
  let current: unknown = error
  for (let depth = 0; depth < 5; depth++) {
    const cause = (current as { cause?: unknown })?.cause
    if (cause === undefined || cause === null) break
    current = cause
  }
  const message = (current as { message?: unknown })?.message
  return typeof message === 'string' ? message : String(current)
}
