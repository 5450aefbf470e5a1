import { ELIGIBLE_SQL, ELIGIBLE_WITH_LIMITS_SQL } from '../schema/eligible.js'
import { openQueue } from '../src/taskQueue/openQueue.js'
import { machine, machineLine } from './machine.js'

/**
 * What rate limits cost the claim query (issue 15): the time of the eligibility query that every
 * claim runs (schema/eligible.ts, `LIMIT 10`), with 10,000 pending tasks of one type in memory:
 * without any limit (the one-arm query, which walks `workerTasks_claim` and stops at 10; and the
 * two-arm one), with a limit on another type, with a limit on this type that has claims left
 * (only its first 10 are ranked), and with one used up (its backlog is not walked).
 *
 *   node dist/bench/claimSql.js        (about 20 s)
 */
const PENDING = 10_000
const RUNS = 200

const main = async () => {
  const queue = await openQueue({ inMemory: true })
  for (let i = 0; i < PENDING; i += 1000) {
    await queue.enqueueMany(Array.from({ length: 1000 }, (_, j) => ({ type: 't', priority: (i + j) % 10 })))
  }
  const run = (label: string, claimSql: string) => {
    const sql = `SELECT id FROM (${claimSql})`
    // A different `now` each time: LiveStore would answer a repeated query from its cache.
    const base = Date.now() + 1_000
    const binds = (i: number) => ({ now: base + i, limit: 10, types: null, queues: null })
    for (let i = 0; i < 20; i++) queue.store.query({ query: sql, bindValues: binds(-i - 1) })
    const start = performance.now()
    for (let i = 0; i < RUNS; i++) queue.store.query({ query: sql, bindValues: binds(i) })
    console.log(`${label.padEnd(52)} ${((performance.now() - start) / RUNS).toFixed(3)} ms per claim query`)
  }
  run('no limit in the store (what a claim runs then)', ELIGIBLE_SQL)
  run('no limit, the two-arm query', ELIGIBLE_WITH_LIMITS_SQL)
  await queue.limits.set('other', { max: 5, perMs: 60_000 })
  run('a limit on another type', ELIGIBLE_WITH_LIMITS_SQL)
  await queue.limits.set('t', { max: 1_000_000, perMs: 60_000 })
  run('a limit on this type with claims left', ELIGIBLE_WITH_LIMITS_SQL)
  await queue.limits.set('t', { max: 1, perMs: 60_000 })
  await queue.claim({ runnerId: 'bench' })
  run('a limit on this type, used up', ELIGIBLE_WITH_LIMITS_SQL)
  console.log(`\n${machineLine(await machine())}`)
  await queue.close()
}

await main()
