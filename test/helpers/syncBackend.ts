import { type ChildProcess, spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
/** From dist/test/helpers (the bench imports this compiled) the project root is one more level up. */
const projectRoot = (): string => (fs.existsSync(path.join(ROOT, 'sync', 'wrangler.toml')) ? ROOT : path.resolve(ROOT, '..'))

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

export type SyncBackend = { url: string; httpUrl: string; child: ChildProcess; stop(): Promise<void> }

/**
 * Starts sync-cf's Durable Object under `wrangler dev` (sync/wrangler.toml, what `npm run
 * sync:dev` runs) on free ports, with its state in a fresh temp dir, as a real child process in
 * a process group of its own (wrangler starts workerd; stopping the group stops both). Ready
 * once `GET /` answers: 5–9 s here, most of it wrangler bundling the worker.
 */
export const startSyncBackend = async (opts: { readyTimeoutMs?: number } = {}): Promise<SyncBackend> => {
  const root = projectRoot()
  const [port, inspectorPort] = [await freePort(), await freePort()]
  const persist = fs.mkdtempSync(path.join(os.tmpdir(), 'livequeue-sync-'))
  const child = spawn(
    process.execPath,
    [
      path.join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
      'dev',
      '--config',
      path.join(root, 'sync', 'wrangler.toml'),
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspectorPort),
      '--persist-to',
      persist,
      '--show-interactive-dev-session=false',
    ],
    { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' } },
  )
  let output = ''
  child.stdout?.on('data', (d) => {
    output += d
  })
  child.stderr?.on('data', (d) => {
    output += d
  })
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-(child.pid as number), 'SIGTERM')
      } catch {}
      const killTimer = setTimeout(() => {
        try {
          process.kill(-(child.pid as number), 'SIGKILL')
        } catch {}
      }, 5_000)
      await exited
      clearTimeout(killTimer)
    }
    fs.rmSync(persist, { recursive: true, force: true })
  }
  const httpUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 45_000)
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output}`)
    try {
      const res = await fetch(httpUrl)
      if (res.ok && (await res.text()).includes('sync-cf')) break
    } catch {}
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`wrangler dev did not answer on ${httpUrl} within ${opts.readyTimeoutMs ?? 45_000} ms:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  return { url: `ws://127.0.0.1:${port}`, httpUrl, child, stop }
}
