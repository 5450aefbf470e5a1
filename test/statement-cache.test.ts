import { StoreInternalsSymbol } from '@livestore/livestore'
import { afterEach, describe, expect, it } from 'vitest'
import { openQueue, type TaskQueue } from '../src/index.js'
import { cacheLeaderStatements, type SqliteModule, statementCacheCounters } from '../src/store/statementCache.js'
import { tempDir } from './helpers/queue.js'

/** The wa-sqlite module and the session's database of an open queue (both single-threaded). */
const sqliteOf = (queue: TaskQueue) => {
  const db = queue.store[StoreInternalsSymbol].clientSession.sqliteDb as unknown as {
    metadata: { dbPointer: number; vfs: { _module: SqliteModule } }
  }
  return { module: db.metadata.vfs._module, sessionDb: db.metadata.dbPointer }
}

describe("the leader's statement cache (src/store/statementCache.ts)", () => {
  const open: TaskQueue[] = []
  afterEach(async () => {
    for (const q of open.splice(0)) await q.close()
  })

  it('is installed on a store livequeue opens, and the leader compiles each statement once', async () => {
    const dir = tempDir()
    const queue = await openQueue({ dataDir: dir })
    open.push(queue)
    const { module } = sqliteOf(queue)
    // Installing twice wraps nothing twice.
    const wrapped = module._sqlite3_prepare_v3
    expect(cacheLeaderStatements(queue.store[StoreInternalsSymbol].clientSession.sqliteDb)).toBe(true)
    expect(module._sqlite3_prepare_v3).toBe(wrapped)

    const before = { ...statementCacheCounters }
    for (let round = 0; round < 20; round++) {
      await queue.enqueueMany([
        { type: 'a', payload: { round } },
        { type: 'a', payload: { round, second: true } },
      ])
      const claimed = await queue.claim({ runnerId: 'r', limit: 2 })
      await Promise.all(claimed.map((c) => queue.complete(c.executionId, { round })))
    }
    const reused = statementCacheCounters.reused - before.reused
    const compiled = statementCacheCounters.compiled - before.compiled
    // 60 commits of the same three kinds of events: almost every statement is handed out again.
    expect(reused).toBeGreaterThan(100)
    expect(reused).toBeGreaterThan(compiled)
  })

  it("leaves the leader's state right: a restart (which boots the session from the leader's database) reads every write", async () => {
    const dir = tempDir()
    const queue = await openQueue({ dataDir: dir })
    const ids: string[] = []
    for (let round = 0; round < 15; round++) {
      const [a, b] = await queue.enqueueMany([
        { type: 'a', payload: { round } },
        { type: 'a', payload: { round }, priority: 9 },
      ])
      ids.push(a!.id, b!.id)
      const [claim] = await queue.claim({ runnerId: 'r', limit: 1 })
      if (round % 3 === 0) await queue.fail(claim!.executionId, { message: 'boom' }, { permanent: true })
      else await queue.complete(claim!.executionId, { round })
    }
    const expected = await Promise.all(ids.map((id) => queue.get(id)))
    const activity = await queue.activity({ since: 0, limit: 1000 })
    await queue.close()

    const again = await openQueue({ dataDir: dir })
    open.push(again)
    expect(await Promise.all(ids.map((id) => again.get(id)))).toEqual(expected)
    expect(await again.activity({ since: 0, limit: 1000 })).toEqual(activity)
  })

  it('gives a statement held by one user to nobody else, and a finalized one back clean', async () => {
    const queue = await openQueue({ inMemory: true })
    open.push(queue)
    const { module } = sqliteOf(queue)
    // A database of its own in the same module (not the session's, so the cache applies).
    const stack = (module as unknown as { _sqlite3_malloc: (n: number) => number })._sqlite3_malloc(64)
    const text = (s: string) => {
      const bytes = new TextEncoder().encode(`${s}\0`)
      const p = (module as unknown as { _sqlite3_malloc: (n: number) => number })._sqlite3_malloc(bytes.length)
      ;(module as unknown as { HEAPU8: Uint8Array }).HEAPU8.set(bytes, p)
      return p
    }
    const open_v2 = (module as unknown as { _sqlite3_open_v2: (...a: number[]) => number })._sqlite3_open_v2
    expect(open_v2(text(':memory:'), stack, 0x06, text('memory-vfs'))).toBe(0)
    const db = module.getValue(stack, '*')
    const prepare = (sql: number) => {
      expect(module._sqlite3_prepare_v3(db, sql, -1, 0, stack + 8, stack + 16)).toBe(0)
      return module.getValue(stack + 8, '*')
    }
    const sql = text('SELECT 1')
    const first = prepare(sql)
    const second = prepare(sql) // the first is still held: a statement of its own
    expect(second).not.toBe(first)
    expect(module._sqlite3_finalize(second)).toBe(0)
    expect(module._sqlite3_finalize(first)).toBe(0)
    expect(prepare(sql)).toBe(first) // handed out again
    // Closing the database finalizes what is kept for it (SQLite refuses to close otherwise: 5, SQLITE_BUSY).
    expect(module._sqlite3_close(db)).toBe(0)
  })
})
