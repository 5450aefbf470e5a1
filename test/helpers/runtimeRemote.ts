import { type ChildProcess, spawn } from 'node:child_process'
import * as net from 'node:net'
import * as path from 'node:path'
import { afterEach } from 'vitest'
import { RemoteQueue } from '../../src/client/RemoteQueue.js'
import { exited } from './child.js'
import { cliJson, ROOT } from './cli.js'

/**
 * Real processes for the remote-worker tests: `livequeue serve` (the host: store, HTTP API,
 * lease reaper) and `livequeue worker --server` children running test/fixtures/remote-handlers.mjs.
 * Everything is killed after each test; clients are closed.
 */

const BIN = path.join(ROOT, 'bin', 'livequeue.js')
export const HANDLERS = path.join(ROOT, 'test', 'fixtures', 'remote-handlers.mjs')
const children: ChildProcess[] = []
const clients: RemoteQueue[] = []

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})))
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
})

type Line = Record<string, unknown>

/** A child process whose stdout is read line by line; JSON lines are events. */
const watch = (child: ChildProcess, name: string) => {
  children.push(child)
  let out = ''
  const events: Line[] = []
  const waiters: Array<() => void> = []
  let buffer = ''
  child.stderr?.on('data', (d) => (out += d))
  child.stdout?.on('data', (d) => {
    out += d
    buffer += d
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      if (line.startsWith('{')) events.push(JSON.parse(line) as Line)
    }
    for (const w of waiters.splice(0)) w()
  })
  const exit = exited(child)
  /** Resolves once `test` finds something in the output so far; rejects on exit or timeout. */
  const until = <T>(what: string, test: () => T | undefined, timeoutMs = 30_000): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: no ${what} within ${timeoutMs} ms; output:\n${out}`)), timeoutMs)
      const check = () => {
        const found = test()
        if (found === undefined) return void waiters.push(check)
        clearTimeout(timer)
        resolve(found)
      }
      void exit.then(({ code, signal }) => {
        clearTimeout(timer)
        reject(new Error(`${name} exited (${code ?? signal}) before ${what}; output:\n${out}`))
      })
      check()
    })
  return {
    child,
    exited: exit,
    output: () => out,
    /** The `n`th (0-based) JSON event named `event` (and matching `where`). */
    event: (event: string, where: Line = {}, n = 0) =>
      until(`"${event}" event`, () => events.filter((e) => e.event === event && Object.entries(where).every(([k, v]) => e[k] === v))[n]),
    sees: (text: string, timeoutMs?: number) => until(`"${text}"`, () => out.includes(text) || undefined, timeoutMs),
    /** The first capture group of `pattern` once it matches the output. */
    match: (pattern: RegExp, timeoutMs?: number) => until(`${pattern}`, () => pattern.exec(out)?.[1], timeoutMs),
    /** SIGTERM (or `signal`) and how it exited. */
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exit
    },
  }
}

/** `livequeue serve --data-dir D --port P` (0: any free port); resolves once it prints its URL. */
export const startHostProcess = async (dataDir: string, port = 0) => {
  const child = spawn(process.execPath, [BIN, 'serve', '--data-dir', dataDir, '--port', String(port), '--quiet'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const proc = watch(child, 'livequeue serve')
  const url = await proc.match(/http: +(http:\/\/\S+)/)
  return { ...proc, url, port: Number(new URL(url).port) }
}

/** `livequeue worker --server URL --workers remote-handlers.mjs ...args`, with `env` added. */
export const startWorkerProcess = (url: string, args: string[] = [], env: Record<string, string> = {}) => {
  const child = spawn(process.execPath, [BIN, 'worker', '--server', url, '--workers', HANDLERS, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const proc = watch(child, 'livequeue worker')
  return { ...proc, runnerId: proc.match(/runner (\S+)\)/) }
}

/** A producer's client to the host. */
export const clientFor = (url: string, token?: string): RemoteQueue => {
  const client = new RemoteQueue({ url, ...(token ? { token } : {}) })
  clients.push(client)
  return client
}

/** `livequeue token create --role R --name N` on a data dir (before its host starts); the token. */
export const createToken = async (dataDir: string, role: string, name: string): Promise<string> =>
  (await cliJson<{ token: string }>(['token', 'create', '--role', role, '--name', name, '--data-dir', dataDir])).token

/** A TCP port nothing listens on right now (for a host started after its worker). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
