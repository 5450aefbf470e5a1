import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import { openQueue, type TaskQueue } from '../src/index.js'
import { storeFiles } from './growth/storeFiles.js'
import { p50, p99 } from './measure.js'

/**
 * Does cost stay flat as history grows? For each size N: fill a store with N finished tasks
 * (enqueueMany 1,000 at a time, claimed 1,000 at a time, all completed in one turn), then measure
 * the next-task claim and its complete for one fresh task (50 samples), the store's files on disk
 * (state database, the part of it LiveStore's session changesets take, event log) and, in a
 * fresh process, the time to open the store (what a host restart costs) and that process's RSS.
 *
 *   node dist/bench/growth.js --sizes 1000,10000,100000
 */
const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,10000,100000' }, json: { type: 'boolean', default: false } } })
const sizes = (values.sizes ?? '').split(',').map(Number)

const fill = async (queue: TaskQueue, n: number) => {
  for (let done = 0; done < n; done += 1000) {
    const count = Math.min(1000, n - done)
    await queue.enqueueMany(Array.from({ length: count }, (_, i) => ({ type: 'history', payload: { i: done + i } })))
    const claims = await queue.claim({ runnerId: 'filler', types: ['history'], limit: count })
    await Promise.all(claims.map((c) => queue.complete(c.executionId, null)))
  }
}

const claimCost = async (queue: TaskQueue) => {
  const both: number[] = []
  const claims: number[] = []
  for (let i = 0; i < 50; i++) {
    await queue.enqueue({ type: 'probe' })
    const t0 = performance.now()
    const [claim] = await queue.claim({ runnerId: 'probe', types: ['probe'] })
    claims.push(performance.now() - t0)
    await queue.complete(claim!.executionId, null)
    both.push(performance.now() - t0)
  }
  return { p50: p50(both), p99: p99(both), claimP50: p50(claims) }
}

/** Opens the store in a child process: its open time (ms) and RSS after open (MiB). */
const openInChild = (dataDir: string): { openMs: number; rssMiB: number } => {
  const script = `const t0 = performance.now(); const { openQueue } = await import(${JSON.stringify(path.resolve(import.meta.dirname, '../src/index.js'))});
    const t1 = performance.now(); const q = await openQueue({ dataDir: ${JSON.stringify(dataDir)} }); await q.stats(); const t2 = performance.now();
    console.log(JSON.stringify({ openMs: t2 - t1, rssMiB: process.memoryUsage().rss / 1048576 })); await q.close()`
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim().split('\n').pop() as string)
}

const rows = []
for (const n of sizes) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'livequeue-growth-'))
  const queue = await openQueue({ dataDir })
  const t0 = performance.now()
  await fill(queue, n)
  const fillMs = performance.now() - t0
  const claim = await claimCost(queue)
  await queue.close()
  const files = storeFiles(dataDir)
  const open = openInChild(dataDir)
  fs.rmSync(dataDir, { recursive: true, force: true })
  rows.push({ tasks: n, fillMs, claimOnlyP50Ms: claim.claimP50, claimP50Ms: claim.p50, claimP99Ms: claim.p99, ...files, ...open })
  process.stderr.write(`${n} tasks: filled in ${(fillMs / 1000).toFixed(1)} s\n`)
}

if (values.json) console.log(JSON.stringify(rows, null, 2))
else {
  const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1).padStart(7)} MiB`
  console.log('finished tasks   claim p50   claim+complete p50   p99       host open   RSS after open   state db (changesets)    event log')
  for (const r of rows) {
    console.log(
      `${String(r.tasks).padStart(14)}   ${r.claimOnlyP50Ms.toFixed(1).padStart(6)} ms   ${r.claimP50Ms.toFixed(1).padStart(12)} ms   ${r.claimP99Ms.toFixed(1).padStart(6)} ms   ${r.openMs.toFixed(0).padStart(6)} ms   ${r.rssMiB.toFixed(0).padStart(10)} MiB   ${mib(r.stateBytes)} (${mib(r.changesetBytes)})   ${mib(r.eventlogBytes)}`,
    )
  }
}
