// The remote baseline's worker process: `node sqliteRemoteWorker.mjs URL CONCURRENCY`. Like
// `livequeue worker`, it keeps one long-poll claim out for its free slots, runs a no-op handler
// per task and reports each completion in its own request. Plain JavaScript: it runs as is.
const [url, concurrencyArg] = process.argv.slice(2)
const concurrency = Number(concurrencyArg)
const WAIT_MS = 25_000
let running = 0
let waiting = false
let stopped = false

const post = async (path, body) => {
  const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`)
  return res.json()
}

const run = async (claim) => {
  await Promise.resolve() // the no-op handler
  await post('/complete', { executionId: claim.executionId })
  running--
  pump()
}

const pump = () => {
  if (stopped || waiting || running >= concurrency) return
  waiting = true
  post('/claim', { limit: concurrency - running, waitMs: WAIT_MS }).then(
    (claims) => {
      waiting = false
      running += claims.length
      for (const c of claims) void run(c)
      pump()
    },
    () => {
      waiting = false
      if (!stopped) setTimeout(pump, 100)
    },
  )
}

process.on('SIGTERM', () => {
  stopped = true
  process.exit(0)
})
await post('/hello', {})
pump()
