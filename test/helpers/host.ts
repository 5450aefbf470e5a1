import { type ChildProcess, execFile, spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { QueueApi } from '../../src/client/QueueApi.js'
import { RemoteQueue } from '../../src/client/RemoteQueue.js'
import { openQueue } from '../../src/taskQueue/openQueue.js'
import { LOCK_FILE } from '../../src/store/lockFile.js'
import { exited } from './child.js'
import { ROOT } from './cli.js'

/** The two transports of one queue, for the contract suite: each gives a fresh, empty queue. */
export type Subject = { queue: QueueApi; close(): Promise<void> }

export const localSubject = async (): Promise<Subject> => {
  const queue = await openQueue({ inMemory: true })
  return { queue, close: () => queue.close() }
}

/** A real HTTP server (src/server) on an ephemeral loopback port over an in-memory queue, and a RemoteQueue to it. */
export const remoteSubject = async (): Promise<Subject> => {
  const { startServer } = await import('../../src/server/index.js')
  const owned = await openQueue({ inMemory: true })
  const server = await startServer({ queue: owned, host: '127.0.0.1', port: 0 })
  const queue = new RemoteQueue({ url: server.url })
  return {
    queue,
    async close() {
      await queue.close()
      await server.close()
      await owned.close()
    },
  }
}

/** `livequeue serve --port 0` as a child process; resolves once its lock file holds its URL. */
export const startServe = async (dataDir: string, args: string[] = [], opts: { cwd?: string } = {}) => {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'livequeue.js'), 'serve', '--port', '0', '--data-dir', dataDir, ...args], {
    // A host killed with kill -9 leaves SQLite temp files in its cwd (docs/design.md, fact 11).
    cwd: opts.cwd ?? ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      try {
        const lock = JSON.parse(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')) as { pid: number; url: string | null }
        if (lock.pid === child.pid && lock.url) {
          clearInterval(timer)
          resolve(lock.url)
        }
      } catch {
        // not written yet
      }
    }, 50)
    child.on('exit', (code) => {
      clearInterval(timer)
      reject(new Error(`livequeue serve exited with ${code} before listening:\n${out}`))
    })
  })
  return {
    child,
    url,
    output: () => out,
    /** SIGTERM, and resolves with how it exited. */
    async stop() {
      if (child.exitCode !== null) return { code: child.exitCode, signal: null }
      child.kill('SIGTERM')
      return exited(child as ChildProcess)
    },
  }
}

const BIN = path.join(ROOT, 'bin', 'livequeue.js')

/** Runs the CLI like `cli` in helpers/cli.ts, but in `cwd` and with `env` (to test `--server` from elsewhere). */
export const cliAt = (cwd: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error)
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr })
    })
  })

/** A long-running CLI command (`activity --follow`, `watch`): its stdout lines, and a way to wait for one. */
export const spawnCli = (args: ReadonlyArray<string>) => {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  let stderr = ''
  let buffered = ''
  const waiters: Array<{ test: (line: string) => boolean; resolve: (line: string) => void }> = []
  child.stderr.on('data', (d) => (stderr += d))
  child.stdout.on('data', (d) => {
    buffered += d
    const parts = buffered.split('\n')
    buffered = parts.pop() ?? ''
    for (const line of parts) {
      lines.push(line)
      for (const w of waiters.filter((w) => w.test(line))) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(line)
      }
    }
  })
  return {
    child,
    lines,
    stderr: () => stderr,
    /** Resolves with the first line (already printed or to come) that passes `test`. */
    line(test: (line: string) => boolean, timeoutMs = 30_000): Promise<string> {
      const seen = lines.find(test)
      if (seen !== undefined) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no such line within ${timeoutMs} ms; got:\n${lines.join('\n')}\n${stderr}`)), timeoutMs)
        waiters.push({
          test,
          resolve: (l) => {
            clearTimeout(timer)
            resolve(l)
          },
        })
      })
    },
    /** SIGINT (Ctrl-C) and how it exited. */
    interrupt() {
      child.kill('SIGINT')
      return exited(child)
    },
  }
}
