import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startHost } from '../src/host/startHost.js'
import { ROOT } from './worker/processes.js'

/**
 * Does the host's memory level off with SSE clients, and come back when they leave? Starts a
 * real host (fs store in a temp dir, an in-process worker running no-op `bench` tasks, the HTTP
 * API on a free port) with a producer enqueueing `--rate` tasks/s throughout. Then, `--rounds`
 * times: `--clients` SSE clients (in a child process, so their memory is not counted) follow
 * /api/activity/stream for `--seconds`, `--slow` of them never reading a byte; they disconnect,
 * and the host idles (producer still on) for `--idle` s. Prints the host's RSS, V8 heap and
 * external memory every `--every` s, its CPU use over that interval, and its open-stream count
 * from /metrics. `--backlog N` runs N tasks through first (3 activity entries each), and
 * `--replay` has the clients start from `?since=0`, so each has that history to take.
 *
 *   npm run build && node --expose-gc dist/bench/sseMemory.js --clients 50 --seconds 30 --rounds 2
 *   node --expose-gc dist/bench/sseMemory.js --clients 50 --slow 25 --backlog 10000 --replay
 *
 * With --expose-gc the host collects garbage at the end of every idle phase ("gc" rows), which
 * tells memory still referenced apart from memory V8 has not given back yet.
 */
const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'host' },
    url: { type: 'string' },
    clients: { type: 'string', default: '50' },
    slow: { type: 'string', default: '0' },
    seconds: { type: 'string', default: '30' },
    rounds: { type: 'string', default: '2' },
    idle: { type: 'string', default: '15' },
    rate: { type: 'string', default: '200' },
    every: { type: 'string', default: '5' },
    backlog: { type: 'string', default: '0' },
    replay: { type: 'boolean', default: false },
  },
})
const num = (name: keyof typeof values) => Number(values[name])

const MiB = (bytes: number) => (bytes / 1048576).toFixed(0).padStart(5)

/** The clients' process: N streams for `seconds`, then all closed; prints what they received. */
const runClients = async () => {
  const url = `${values.url}/api/activity/stream${values.replay ? '?since=0' : ''}`
  const n = num('clients')
  const slow = num('slow')
  let bytes = 0
  const requests = Array.from({ length: n }, (_, i) =>
    http.get(url, (res) => {
      if (i < slow)
        res.pause() // never reads: the host's backlog for it is what is measured
      else res.on('data', (d: Buffer) => (bytes += d.length))
      res.on('error', () => {})
    }),
  )
  for (const r of requests) r.on('error', () => {})
  await new Promise((resolve) => setTimeout(resolve, num('seconds') * 1000))
  for (const r of requests) r.destroy()
  process.stdout.write(`${JSON.stringify({ clients: n, slow, receivedMiB: bytes / 1048576 })}\n`)
}

const liveStreams = async (url: string): Promise<string> => {
  const text = await (await fetch(`${url}/metrics`)).text()
  return text.match(/^livequeue_sse_streams (\d+)$/m)?.[1] ?? '-'
}

const runHost = async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'livequeue-bench-'))
  const host = await startHost({
    dataDir,
    workers: path.join(ROOT, 'bench', 'worker', 'noop-handlers.mjs'),
    concurrency: 10,
    http: { port: 0 },
    followActivity: false,
    write: () => {},
  })
  const url = host.server!.url
  const perTick = Math.max(1, Math.round(num('rate') / 10))
  let produced = 0
  const producer = setInterval(() => {
    void host.queue.enqueueMany(Array.from({ length: perTick }, () => ({ type: 'bench', payload: { n: produced++ } }))).catch(() => {})
  }, 100)

  if (num('backlog') > 0) {
    for (let i = 0; i < num('backlog'); i += 1000) {
      await host.queue.enqueueMany(Array.from({ length: Math.min(1000, num('backlog') - i) }, () => ({ type: 'bench', payload: { backlog: true } })))
    }
    while ((await host.queue.stats()).byStatus.completed < num('backlog')) await new Promise((resolve) => setTimeout(resolve, 200))
  }
  const started = performance.now()
  const gc = (globalThis as { gc?: () => void }).gc
  console.log(`host ${url}, producer ${perTick * 10} tasks/s, ${num('clients')} clients (${num('slow')} never reading), gc ${gc ? 'on' : 'off'}`)
  console.log('    t  phase          rss MiB  heapUsed  external  cpu %  streams')
  let cpu = process.cpuUsage()
  let at = performance.now()
  const sample = async (phase: string) => {
    const m = process.memoryUsage()
    const used = process.cpuUsage(cpu)
    const share = ((used.user + used.system) / 1000 / (performance.now() - at)) * 100
    cpu = process.cpuUsage()
    at = performance.now()
    const t = ((performance.now() - started) / 1000).toFixed(0).padStart(5)
    console.log(
      `${t}  ${phase.padEnd(12)}  ${MiB(m.rss)}     ${MiB(m.heapUsed)}     ${MiB(m.external)}  ${share.toFixed(0).padStart(5)}  ${(await liveStreams(url)).padStart(7)}`,
    )
  }
  const hold = async (phase: string, seconds: number) => {
    for (let s = 0; s < seconds; s += num('every')) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(num('every'), seconds - s) * 1000))
      await sample(phase)
    }
  }

  await sample('start')
  await hold('no clients', num('idle'))
  for (let round = 1; round <= num('rounds'); round++) {
    const child = spawn(
      process.execPath,
      [
        fileURLToPath(import.meta.url),
        ...['--role', 'clients', '--url', url, '--clients', values.clients!, '--slow', values.slow!, '--seconds', values.seconds!],
        ...(values.replay ? ['--replay'] : []),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    const exited = new Promise((resolve) => child.on('exit', resolve))
    await hold(`clients #${round}`, num('seconds'))
    await exited
    console.log(`       clients #${round}: ${out.trim()}`)
    await hold(`idle #${round}`, num('idle'))
    if (gc) {
      gc()
      await sample(`gc #${round}`)
    }
  }
  clearInterval(producer)
  console.log(`produced ${produced} tasks`)
  await host.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
}

await (values.role === 'clients' ? runClients() : runHost())
