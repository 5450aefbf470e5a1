import * as fs from 'node:fs'
import { Worker } from 'node:worker_threads'
import type { QueryLimits } from './limits.js'
import type { QueryOutcome, QueryReply, QueryRequest } from './protocol.js'

/**
 * A snapshot this old is exported again even when the state head did not move, in case
 * something changed the state without moving it. (1 s)
 */
export const SNAPSHOT_MAX_AGE_MS = 1_000

/**
 * When SQLite's progress handler does not get to run (one long step), the worker is
 * terminated this long after the time limit. (1 s)
 */
const TERMINATE_GRACE_MS = 1_000

/**
 * A worker whose wasm memory grew more than this over its snapshot is replaced after its
 * answer: wasm memory never shrinks, so a big sort would otherwise stay resident. (64 MiB)
 */
const RETIRE_GROWN_BYTES = 64 * 1024 * 1024

/** An idle worker (and its snapshot copy) is ended after this long. (30 s) */
const IDLE_MS = 30_000

/** The worker's JS heap (rows on their way out) is capped; past it V8 ends the worker. (256 MB) */
const WORKER_HEAP_MB = 256

/** The state database now: `version` changes with every write; `bytes` exports it (a copy). */
export type SnapshotSource = () => { version: string; bytes: () => Uint8Array }

/**
 * dist/src/query/worker.js, whether this module runs from dist/src/query (built, or installed as
 * a package) or from src/query (tests, through vitest, with `npm run build` done first).
 */
const workerFile = (): URL => {
  for (const candidate of ['./worker.js', '../../dist/src/query/worker.js']) {
    const url = new URL(candidate, import.meta.url)
    if (fs.existsSync(url)) return url
  }
  throw new Error('dist/src/query/worker.js is missing; run `npm run build`')
}

/**
 * Runs user SQL in a worker thread, one query at a time, so the host's event loop only pays for
 * the snapshot export and the answer. The worker is reused while its snapshot is current and it
 * behaves; one that overran its time limit or grew its memory is terminated and replaced.
 */
export class QueryRunner {
  private worker: Worker | null = null
  private loadedVersion: string | null = null
  private loadedAt = 0
  private nextId = 1
  private tail: Promise<unknown> = Promise.resolve()
  private idleTimer: NodeJS.Timeout | null = null

  constructor(private readonly snapshot: SnapshotSource) {}

  /** Queued behind the queries before it; each gets its full time limit once it starts. */
  run(sql: string, limits: QueryLimits): Promise<QueryOutcome> {
    const job = this.tail.then(() => this.runNow(sql, limits))
    this.tail = job.catch(() => undefined)
    return job
  }

  /** Ends the worker now (a new one starts with the next query). */
  stop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
    const worker = this.worker
    this.worker = null
    this.loadedVersion = null
    void worker?.terminate()
  }

  private spawn(): Worker {
    // No execArgv: the host's flags are not the worker's business, and some (--input-type) make a worker fail to start.
    const worker = new Worker(workerFile(), { execArgv: [], resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } })
    worker.on('exit', () => {
      if (this.worker === worker) {
        this.worker = null
        this.loadedVersion = null
      }
    })
    return worker
  }

  private async runNow(sql: string, limits: QueryLimits): Promise<QueryOutcome> {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    const { version, bytes } = this.snapshot()
    const fresh = version === this.loadedVersion && Date.now() - this.loadedAt <= SNAPSHOT_MAX_AGE_MS
    const snapshot = this.worker && fresh ? undefined : bytes()
    this.worker ??= this.spawn()
    const worker = this.worker
    if (snapshot) {
      this.loadedVersion = version
      this.loadedAt = Date.now()
    }
    const request: QueryRequest = { id: this.nextId++, sql, limits, ...(snapshot ? { snapshot } : {}) }
    // Held open while a query runs (a CLI would otherwise exit before the answer); not when idle.
    worker.ref()
    let retire = true
    try {
      const exchanged = await this.exchange(worker, request, limits.timeoutMs + TERMINATE_GRACE_MS)
      retire = exchanged.retire
      return exchanged.outcome
    } finally {
      if (this.worker === worker) {
        if (retire) this.stop()
        else {
          worker.unref()
          this.idleTimer = setTimeout(() => this.stop(), IDLE_MS).unref()
        }
      }
    }
  }

  /** Posts the request; settles on the reply, on the backstop timer, or on the worker's death. */
  private exchange(worker: Worker, request: QueryRequest, backstopMs: number): Promise<{ outcome: QueryOutcome; retire: boolean }> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer)
        worker.off('message', onMessage)
        worker.off('error', onError)
        worker.off('exit', onExit)
      }
      const onMessage = (reply: QueryReply) => {
        if (reply.id !== request.id) return
        done()
        const { id: _, grownBytes, ...outcome } = reply
        resolve({ outcome, retire: grownBytes > RETIRE_GROWN_BYTES })
      }
      const onError = (error: Error & { code?: string }) => {
        done()
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') resolve({ outcome: { ok: false, kind: 'memory', message: error.message }, retire: true })
        else reject(new Error(`the query worker failed: ${error.message}`))
      }
      const onExit = (code: number) => {
        done()
        reject(new Error(`the query worker exited (code ${code}) before answering`))
      }
      const timer = setTimeout(() => {
        done()
        resolve({ outcome: { ok: false, kind: 'timeout', message: 'terminated' }, retire: true })
      }, backstopMs)
      worker.on('message', onMessage)
      worker.on('error', onError)
      worker.on('exit', onExit)
      worker.postMessage(request, request.snapshot ? [request.snapshot.buffer as ArrayBuffer] : [])
    })
  }
}
