import { parseArgs } from 'node:util'
import { openQueue, type TaskQueue } from '../src/index.js'
import { p50, p99 } from './measure.js'

/**
 * Does the dashboard stay fast as history grows? For each size N: an in-memory store with N
 * finished tasks (a tenth of them dead letters) and 100 pending, then the library reads behind
 * each dashboard view, 30 samples each: the overview's stats, throughput, latest activity,
 * running tasks and runners; the feed's first page; the dead-letter page. (The HTTP layer adds a
 * constant on top; persistence is not involved in reads.) Each sample follows a write, so it
 * measures the query, not LiveStore's result cache.
 *
 *   npm run build && node dist/bench/dashboard.js --sizes 1000,10000,100000 [--recent] [--json]
 */
const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '1000,10000,100000' }, json: { type: 'boolean', default: false }, recent: { type: 'boolean', default: false } },
})
const sizes = (values.sizes ?? '').split(',').map(Number)

const fill = async (queue: TaskQueue, n: number) => {
  for (let done = 0; done < n; done += 1000) {
    const count = Math.min(1000, n - done)
    await queue.enqueueMany(
      Array.from({ length: count }, (_, i) => ({ type: (done + i) % 3 === 0 ? 'summarize' : 'research', maxAttempts: 1, payload: { i: done + i } })),
    )
    const claims = await queue.claim({ runnerId: 'filler', limit: count })
    await Promise.all(claims.map((c, i) => (i % 10 === 0 ? queue.fail(c.executionId, new Error('gave up')) : queue.complete(c.executionId, null))))
  }
  await queue.enqueueMany(Array.from({ length: 100 }, () => ({ type: 'waiting', delay: 3_600_000 })))
}

const READS: Record<string, (q: TaskQueue) => Promise<unknown>> = {
  'overview: stats': (q) => q.stats(),
  'overview: throughput (60 min)': (q) => q.throughput({ minutes: 60 }),
  'overview: latest activity (25)': (q) => q.activity({ limit: 25 }),
  'overview: running tasks (8)': (q) => q.list({ status: 'processing', limit: 8 }),
  'overview: runners': (q) => q.runners(),
  'feed: first page (100, kind filter)': (q) => q.activity({ limit: 100, kind: 'started,completed,failed' }),
  'dead letters: first page (50)': (q) => q.list({ status: 'failed', limit: 50 }),
}

const rows: Array<{ size: number; read: string; p50: number; p99: number }> = []
for (const size of sizes) {
  // The history is a day old (the queue's clock is moved back while filling), so the chart's
  // last hour holds only the probes' own activity. With --recent it is all from the last hour:
  // the chart's worst case, since it counts that hour's completions and failures.
  let offset = values.recent ? 0 : -86_400_000
  const queue = await openQueue({ inMemory: true, now: () => Date.now() + offset })
  await fill(queue, size)
  offset = 0
  for (const [read, f] of Object.entries(READS)) {
    const samples: number[] = []
    for (let i = 0; i < 30; i++) {
      // LiveStore caches a query's result until a table it reads changes; a live dashboard reads
      // right after writes, so each sample follows one (a task and its activity row).
      await queue.enqueue({ type: 'tick', delay: 3_600_000 })
      const t0 = performance.now()
      await f(queue)
      samples.push(performance.now() - t0)
    }
    rows.push({ size, read, p50: p50(samples), p99: p99(samples) })
  }
  await queue.close()
}

if (values.json) console.log(JSON.stringify(rows))
else {
  console.log(`dashboard reads, ms p50 / p99, by finished tasks in the store (${sizes.join(', ')})`)
  for (const read of Object.keys(READS)) {
    const cells = sizes.map((size) => {
      const r = rows.find((x) => x.size === size && x.read === read)
      return `${r?.p50.toFixed(2)} / ${r?.p99.toFixed(2)}`.padStart(16)
    })
    console.log(`${read.padEnd(40)}${cells.join('')}`)
  }
}
