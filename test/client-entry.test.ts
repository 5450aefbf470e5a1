import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as readline from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { RemoteQueue } from '../src/client/RemoteQueue.js'
import { exited, FIXTURES } from './helpers/child.js'
import { cli, ROOT, removeTempDataDirs, tempDataDir } from './helpers/cli.js'
import { startServe } from './helpers/host.js'
import { until } from './helpers/queue.js'

/**
 * `livequeue/client` and every CLI command that goes through a host run without LiveStore: each
 * child process here runs with a module hook that lists what it loads (fixtures/trace-modules.mjs).
 */

const TIMEOUT = 120_000
const TRACE = path.join(FIXTURES, 'trace-modules.mjs')
/** Issue 16's bound for an idle remote worker process (a whole-package worker measured 180–195 MiB). */
const IDLE_WORKER_RSS_BYTES = 120 * 2 ** 20

const traceFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'livequeue-trace-')), 'modules.txt')
const loaded = (file: string): string[] => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [])
const livestore = (urls: string[]) => urls.filter((url) => url.includes('@livestore'))

afterAll(removeTempDataDirs)

describe('the LiveStore-free entry points', () => {
  it(
    'a producer and worker on livequeue/client run a task through a host without loading LiveStore, idle under 120 MiB',
    async () => {
      const host = await startServe(tempDataDir())
      const trace = traceFile()
      const child = spawn(process.execPath, ['--import', TRACE, path.join(FIXTURES, 'remote-client-worker.mjs'), host.url], {
        cwd: ROOT,
        env: { ...process.env, LIVEQUEUE_TRACE_MODULES: trace },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stderr = ''
      child.stderr.on('data', (d) => (stderr += d))
      try {
        const line = await new Promise<string>((resolve, reject) => {
          readline.createInterface({ input: child.stdout }).once('line', resolve)
          child.on('exit', (code) => reject(new Error(`the client worker exited with ${code}: ${stderr}`)))
        })
        const report = JSON.parse(line) as { status: string; result: unknown; rssBytes: number }
        expect(report.status).toBe('completed')
        expect(report.result).toEqual({ echoed: { n: 1 } })
        const urls = loaded(trace)
        expect(urls.some((url) => url.endsWith('/dist/src/clientEntry.js'))).toBe(true)
        expect(livestore(urls)).toEqual([])
        expect(report.rssBytes).toBeLessThan(IDLE_WORKER_RSS_BYTES)
      } finally {
        child.kill('SIGTERM')
        await exited(child)
        await host.stop()
      }
    },
    TIMEOUT,
  )

  it(
    '`livequeue worker` and `livequeue list` through a host load no LiveStore (the worker no @effect/cli either); serving does',
    async () => {
      const dataDir = tempDataDir()
      const host = await startServe(dataDir)
      const workerTrace = traceFile()
      const worker = spawn(
        process.execPath,
        ['--import', TRACE, path.join(ROOT, 'bin', 'livequeue.js'), 'worker', '--server', host.url, '--workers', path.join(FIXTURES, 'remote-handlers.mjs')],
        { cwd: ROOT, env: { ...process.env, LIVEQUEUE_TRACE_MODULES: workerTrace }, stdio: ['ignore', 'pipe', 'pipe'] },
      )
      let out = ''
      worker.stdout.on('data', (d) => (out += d))
      const queue = new RemoteQueue({ url: host.url })
      try {
        await until('the worker registered', () => out.includes('registered with the host'))
        const task = await queue.enqueue({ type: 'job', payload: { steps: 1, stepMs: 1 } })
        expect((await queue.wait(task.id, { timeoutMs: 60_000 })).status).toBe('completed')
        const workerUrls = loaded(workerTrace)
        expect(workerUrls.some((url) => url.endsWith('/dist/src/runtime/remoteWorker.js'))).toBe(true)
        expect(livestore(workerUrls)).toEqual([])
        // The quick path (src/cli/quick/worker.ts): no @effect/cli, nor the fast-check it pulls in.
        expect(workerUrls.some((url) => url.endsWith('/dist/src/cli/quick/worker.js'))).toBe(true)
        expect(workerUrls.filter((url) => url.includes('/@effect/cli/') || url.includes('/fast-check/'))).toEqual([])

        // The CLI finds the host through the data dir's lock file, as a user's `livequeue list` would.
        const listTrace = traceFile()
        const list = await cli(['list', '--data-dir', dataDir, '--json'], { NODE_OPTIONS: `--import ${TRACE}`, LIVEQUEUE_TRACE_MODULES: listTrace })
        expect(list.code, list.stderr).toBe(0)
        expect(JSON.parse(list.stdout).items.map((t: { id: string }) => t.id)).toEqual([task.id])
        expect(loaded(listTrace).length).toBeGreaterThan(0)
        expect(livestore(loaded(listTrace))).toEqual([])
      } finally {
        await queue.close()
        worker.kill('SIGTERM')
        await exited(worker)
        await host.stop()
      }
      // The check can fail: a command that opens the data dir itself does load LiveStore.
      const localTrace = traceFile()
      const local = await cli(['list', '--data-dir', dataDir, '--json'], { NODE_OPTIONS: `--import ${TRACE}`, LIVEQUEUE_TRACE_MODULES: localTrace })
      expect(local.code, local.stderr).toBe(0)
      expect(livestore(loaded(localTrace)).length).toBeGreaterThan(0)
    },
    TIMEOUT,
  )
})
