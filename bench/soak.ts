import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import { createWorker, openQueue } from '../src/index.js'
import { readRegistry } from '../src/epochs/registry.js'
import { p50 } from './measure.js'

/**
 * A host that runs for months (issue 13): a queue with an in-process worker (no-op handler)
 * through `--tasks` tasks, a producer keeping a backlog, and every `--every` tasks a sample of
 * RSS, JS heap, the cost of one awaited commit (p50 of 10 single enqueues) and the epoch number.
 * At the end, the time a fresh process takes to open the store (a host restart) beside an empty
 * store's. `--epochs off` runs without rotation (LiveStore keeps everything: it dies or is
 * stopped at `--max-rss-mib`).
 *
 *   node dist/bench/soak.js --tasks 1000000
 *   node dist/bench/soak.js --tasks 1000000 --epochs off --max-rss-mib 2048
 */
const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '1000000' },
    every: { type: 'string' },
    epochs: { type: 'string', default: 'on' },
    'epoch-events': { type: 'string' },
    concurrency: { type: 'string', default: '100' },
    'max-rss-mib': { type: 'string', default: '2048' },
    json: { type: 'boolean', default: false },
  },
})
const total = Number(values.tasks)
const every = Number(values.every ?? Math.max(1000, Math.round(total / 40)))
const rotation = values.epochs !== 'off'
const maxRss = Number(values['max-rss-mib']) * 1024 * 1024
const MiB = (n: number) => Math.round(n / 1024 / 1024)

type Sample = { tasks: number; seconds: number; rssMiB: number; heapMiB: number; commitMs: number; epoch: number }

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'livequeue-soak-'))
const never = Number.MAX_SAFE_INTEGER
const epochs = rotation
  ? values['epoch-events']
    ? { maxEvents: Number(values['epoch-events']) }
    : {}
  : { maxEvents: never, maxFinishedTasks: never, maxAgeMs: never }
const queue = await openQueue({ dataDir, epochs })
let done = 0
const worker = createWorker({ queue, concurrency: Number(values.concurrency), handlers: { soak: async () => null, probe: async () => null } })
worker.on('task:success', () => done++)
await worker.start()

const epochNow = () => (rotation ? readRegistry(dataDir, 'livequeue').epochs.length - 1 : 0)
const commitCost = async () => {
  const times: number[] = []
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now()
    await queue.enqueue({ type: 'probe' })
    times.push(performance.now() - t0)
  }
  return p50(times)
}

const started = performance.now()
const samples: Sample[] = []
let stoppedBecause: string | null = null
let queued = 0
let nextSample = every
const log = (line: string) => process.stderr.write(`${line}\n`)
while (done < total) {
  // Keep a backlog of up to 5,000 tasks: enough to keep 100 slots busy, bounded in memory.
  if (queued - done < 5_000 && queued < total) {
    const n = Math.min(1_000, total - queued)
    await queue.enqueueMany(Array.from({ length: n }, (_, i) => ({ type: 'soak', payload: { i: queued + i } })))
    queued += n
  } else await new Promise((resolve) => setTimeout(resolve, 20))
  if (done >= nextSample) {
    nextSample += every
    const memory = process.memoryUsage()
    const sample = {
      tasks: done,
      seconds: Math.round((performance.now() - started) / 1000),
      rssMiB: MiB(memory.rss),
      heapMiB: MiB(memory.heapUsed),
      commitMs: Number((await commitCost()).toFixed(1)),
      epoch: epochNow(),
    }
    samples.push(sample)
    log(
      `${sample.tasks} tasks, ${sample.seconds} s: rss ${sample.rssMiB} MiB, heap ${sample.heapMiB} MiB, commit p50 ${sample.commitMs} ms, epoch ${sample.epoch}`,
    )
    if (memory.rss > maxRss) {
      stoppedBecause = `RSS ${MiB(memory.rss)} MiB passed --max-rss-mib at ${done} tasks`
      break
    }
  }
}
await worker.stop()
await queue.close()

/** Wall time of a fresh process that opens the store in `dir` and closes it (a host restart). */
const openTime = (dir: string): number => {
  const script = `import { openQueue } from ${JSON.stringify(path.resolve(import.meta.dirname, '../src/index.js'))}
const t0 = performance.now(); const q = await openQueue({ dataDir: ${JSON.stringify(dir)} }); const ms = performance.now() - t0; await q.close(); console.log(ms)`
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim())
}
const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'livequeue-soak-empty-'))
const restartMs = p50([openTime(dataDir), openTime(dataDir), openTime(dataDir)])
const emptyMs = p50([openTime(emptyDir), openTime(emptyDir), openTime(emptyDir)])
const firstEpochSample = samples.find((s) => s.epoch >= 1) ?? samples[0]
const last = samples.at(-1)
const report = {
  tasks: done,
  rotation,
  stoppedBecause,
  seconds: Math.round((performance.now() - started) / 1000),
  epochs: epochNow() + 1,
  restartMs: Math.round(restartMs),
  emptyStoreOpenMs: Math.round(emptyMs),
  maxRssMiB: Math.max(...samples.map((s) => s.rssMiB)),
  rssLastOverFirstEpoch: last && firstEpochSample ? Number((last.rssMiB / firstEpochSample.rssMiB).toFixed(2)) : null,
  commitMsFirst: samples[0]?.commitMs ?? null,
  commitMsLast: last?.commitMs ?? null,
  samples,
}
if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
else {
  const { samples: _, ...summary } = report
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
}
fs.rmSync(dataDir, { recursive: true, force: true })
fs.rmSync(emptyDir, { recursive: true, force: true })
