import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ValidationError } from '../src/errors.js'
import { QueryTimedOut } from '../src/query/errors.js'
import { QUERY_RESULT_BYTE_LIMIT, QUERY_ROW_LIMIT, QUERY_TIMEOUT_MS, QUERY_VALUE_BYTE_LIMIT } from '../src/query/limits.js'
import { openQueue } from '../src/taskQueue/openQueue.js'
import type { TaskQueue } from '../src/taskQueue/TaskQueue.js'
import { snapshot } from './helpers/queue.js'
import { startTestServer, type TestServer } from './helpers/server.js'

/** Counts to 20 million: it held /healthz for 13.5 s when it ran on the host's own thread. */
const HEAVY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 20000000) SELECT count(*) FROM c'
/** Asked for a 900 MB blob: it took the host's RSS from 234 MB to 1.07 GB, for good. */
const BLOB = 'SELECT length(randomblob(900000000))'
/** 9,000 rows of ~1 KB: ~9.3 MB as JSON, over the 8 MiB result cap. */
const WIDE = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 9000) SELECT x, printf('%.1000c', 'x') AS pad FROM c"
/** Sorts 300,000 random 1 KB blobs: ~300 MB of SQLite memory, over the 128 MiB cap. */
const SORT =
  'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 300000) SELECT count(*) FROM (SELECT x, randomblob(1000) b FROM c ORDER BY b)'

const rssMb = () => process.memoryUsage().rss / 1024 / 1024

/**
 * Runs `during` again and again until `heavy` settles and counts the runs that finished first.
 * A query on the event loop (as before: /healthz waited 13.5 s) lets none finish meanwhile; a
 * free event loop lets many. How fast they were is for bench/, not for a test.
 */
const probesWhile = async <T>(heavy: Promise<T>, during: () => Promise<unknown>) => {
  let settled = false
  const outcome = heavy.finally(() => {
    settled = true
  })
  let samples = 0
  while (!settled) {
    await during()
    if (!settled) samples++
  }
  return { outcome: await outcome, samples }
}

const HARMLESS: Array<[string, Record<string, unknown>[]]> = [
  ['SELECT "delete" FROM (SELECT 1 AS "delete")', [{ delete: 1 }]],
  ["SELECT 'drop table workerTasks; delete from queues' AS s", [{ s: 'drop table workerTasks; delete from queues' }]],
  ['SELECT [update], `insert` FROM (SELECT 1 AS [update], 2 AS `insert`)', [{ update: 1, insert: 2 }]],
  ['SELECT 1 AS one -- ; DELETE FROM workerTasks', [{ one: 1 }]],
  ['/* a comment */ SELECT 2 AS two;', [{ two: 2 }]],
]

const WRITES: Array<[string, RegExp]> = [
  ['DELETE FROM workerTasks', /only a read-only SELECT/],
  ["UPDATE workerTasks SET status = 'cancelled'", /only a read-only SELECT/],
  ['/* hidden */ DROP TABLE workerTasks', /only a read-only SELECT/],
  ["ATTACH ':memory:' AS m", /only a read-only SELECT/],
  ['PRAGMA query_only = 0', /only a read-only SELECT/],
  ['WITH x AS (SELECT 1) DELETE FROM workerTasks', /it may not write/],
  ["WITH x AS (SELECT 1) UPDATE workerTasks SET status = 'cancelled'", /it may not write/],
  ['WITH x AS (SELECT 1) INSERT INTO workerTasks SELECT * FROM workerTasks', /it may not write/],
  ['SELECT 1; DELETE FROM workerTasks', /one statement only/],
]

describe('POST /api/query is bounded (a real server)', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
    await t.api('POST', '/api/tasks/batch', { body: { tasks: [{ type: 'a' }, { type: 'a' }, { type: 'b' }] } })
  })
  afterAll(async () => {
    await t?.close()
  })
  const query = (sql: string) => t.api('POST', '/api/query', { body: { sql } })

  it('a 20M-row CTE answers 408 QueryTimedOut, and /healthz keeps answering meanwhile', async () => {
    await query('SELECT 1') // the worker is up
    const { outcome: answer, samples } = await probesWhile(query(HEAVY), () => t.api('GET', '/healthz'))
    expect(answer.status, answer.text).toBe(408)
    expect(answer.body.error).toMatchObject({ _tag: 'QueryTimedOut', timeoutMs: QUERY_TIMEOUT_MS })
    expect(answer.body.error.message).toContain(`${QUERY_TIMEOUT_MS} ms limit`)
    // Before: no /healthz was answered until the query ended (13.5 s). Seen here: 65–217 answered meanwhile.
    expect(samples).toBeGreaterThan(5)
    // The interrupted worker still answers.
    expect((await query('SELECT count(*) AS n FROM workerTasks')).body).toEqual({ rows: [{ n: 3 }], truncated: false })
  })

  it('randomblob(900000000) is refused (413, the cap in the message) and the RSS does not stay up', async () => {
    await query('SELECT 1')
    const before = rssMb()
    const answer = await query(BLOB)
    expect(answer.status, answer.text).toBe(413)
    expect(answer.body.error).toMatchObject({ _tag: 'ValidationError', field: 'sql' })
    expect(answer.body.error.message).toContain(`over the ${QUERY_VALUE_BYTE_LIMIT}-byte cap`)
    // Measured: 241–245 MB before and after; the blob is refused before SQLite allocates it.
    expect(rssMb() - before).toBeLessThan(150)
  })

  it('a query needing more memory than the cap is stopped (413), and its worker memory is given back', async () => {
    await query('SELECT 1')
    const before = rssMb()
    const answer = await query(SORT)
    expect(answer.status, answer.text).toBe(413)
    expect(answer.body.error.message).toMatch(/needs memory over the \d+-byte cap/)
    // The worker that grew is ended after answering; its wasm memory goes with it. Measured:
    // RSS 241–245 MB before, 335–359 MB right after the answer, 262–279 MB a second later.
    await vi.waitFor(() => expect(rssMb() - before).toBeLessThan(150), { timeout: 10_000, interval: 100 })
    expect((await query('SELECT count(*) AS n FROM workerTasks')).body.rows).toEqual([{ n: 3 }])
  })

  it('a result over the byte cap is 413 and says the cap; over the row limit it comes back truncated', async () => {
    const wide = await query(WIDE)
    expect(wide.status, wide.text.slice(0, 300)).toBe(413)
    expect(wide.body.error.message).toContain(`the result is over the ${QUERY_RESULT_BYTE_LIMIT}-byte cap`)
    const many = await query(`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < ${QUERY_ROW_LIMIT + 5}) SELECT x FROM c`)
    expect(many.status).toBe(200)
    expect(many.body.truncated).toBe(true)
    expect(many.body.rows).toHaveLength(QUERY_ROW_LIMIT)
    expect(many.body.rows.at(-1)).toEqual({ x: QUERY_ROW_LIMIT })
  })

  it('quoted names, strings and comments holding keywords pass', async () => {
    for (const [sql, rows] of HARMLESS) {
      const answer = await query(sql)
      expect(answer.status, `${sql}: ${answer.text}`).toBe(200)
      expect(answer.body).toEqual({ rows, truncated: false })
    }
  })

  it('writes are refused with 400 and change nothing', async () => {
    const head = t.head()
    const before = snapshot(t.queue)
    for (const [sql, reason] of WRITES) {
      const answer = await query(sql)
      expect(answer.status, `${sql}: ${answer.text}`).toBe(400)
      expect(answer.body.error).toMatchObject({ _tag: 'ValidationError', field: 'sql' })
      expect(answer.body.error.message).toMatch(reason)
    }
    expect(t.head()).toBe(head)
    expect(snapshot(t.queue)).toEqual(before)
  })

  it('answers the right rows, including writes made just before', async () => {
    const rows = await query('SELECT type, count(*) AS n FROM workerTasks GROUP BY type ORDER BY type')
    expect(rows.body).toEqual({
      rows: [
        { type: 'a', n: 2 },
        { type: 'b', n: 1 },
      ],
      truncated: false,
    })
    await t.api('POST', '/api/tasks', { body: { type: 'c' } })
    expect((await query("SELECT type FROM workerTasks WHERE type = 'c'")).body.rows).toEqual([{ type: 'c' }])
    expect((await query('SELECT nosuch FROM workerTasks')).body.error.message).toBe('invalid sql: no such column: nosuch')
  })
})

describe('TaskQueue.query is bounded (the library)', () => {
  let queue: TaskQueue
  beforeAll(async () => {
    queue = await openQueue({ inMemory: true })
    await queue.enqueueMany([{ type: 'a' }, { type: 'b' }])
  })
  afterAll(async () => {
    await queue?.close()
  })

  it('the 20M-row CTE is QueryTimedOut while the event loop stays free', async () => {
    await queue.query('SELECT 1')
    // A macrotask between probes: the worker's answer (a message) must be able to arrive.
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve))
    const heavy = queue.query(HEAVY).catch((e: unknown) => e)
    // Queued behind the heavy one (one worker, one query at a time), and answered after it.
    const light = queue.query('SELECT count(*) AS n FROM workerTasks')
    const { outcome, samples } = await probesWhile(heavy, async () => {
      await nextTurn()
      await queue.stats()
    })
    expect(outcome).toBeInstanceOf(QueryTimedOut)
    expect(outcome).toMatchObject({ timeoutMs: QUERY_TIMEOUT_MS })
    expect(samples).toBeGreaterThan(5)
    expect((await light).rows).toEqual([{ n: 2 }])
  })

  it('refuses the blob, the wide result and writes with ValidationError; harmless quoted keywords pass', async () => {
    const blob = await queue.query(BLOB).catch((e: unknown) => e)
    expect(blob).toBeInstanceOf(ValidationError)
    expect((blob as Error).message).toContain(`${QUERY_VALUE_BYTE_LIMIT}-byte cap`)
    const wide = await queue.query(WIDE).catch((e: unknown) => e)
    expect(wide).toBeInstanceOf(ValidationError)
    expect((wide as Error).message).toContain(`${QUERY_RESULT_BYTE_LIMIT}-byte cap`)
    const before = snapshot(queue)
    for (const [sql, reason] of WRITES) await expect(queue.query(sql), sql).rejects.toThrow(reason)
    expect(snapshot(queue)).toEqual(before)
    for (const [sql, rows] of HARMLESS) expect(await queue.query(sql), sql).toEqual({ rows, truncated: false })
  })

  it('a query sees the writes made before it', async () => {
    await queue.enqueue({ type: 'fresh' })
    expect((await queue.query("SELECT count(*) AS n FROM workerTasks WHERE type = 'fresh'")).rows).toEqual([{ n: 1 }])
  })
})
