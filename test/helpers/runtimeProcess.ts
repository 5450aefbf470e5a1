import { type ChildProcess, spawn } from 'node:child_process'
import * as path from 'node:path'
import { afterEach } from 'vitest'

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/runtime-worker.mjs')
const children: ChildProcess[] = []

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
})

export type WorkerProcess = {
  child: ChildProcess
  /** Resolves with the first JSON line whose `event` is `event`. */
  next(event: string, timeoutMs?: number): Promise<Record<string, unknown>>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts `test/fixtures/runtime-worker.mjs` (a worker owning `dataDir`) with the given env. */
export const spawnWorker = (env: Record<string, string>): WorkerProcess => {
  const child = spawn(process.execPath, [FIXTURE], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  const seen: Array<Record<string, unknown>> = []
  const waiters: Array<{ event: string; resolve: (line: Record<string, unknown>) => void }> = []
  let buffer = ''
  let stderr = ''
  child.stderr?.on('data', (chunk) => (stderr += chunk))
  child.stdout?.on('data', (chunk) => {
    buffer += chunk
    let nl = buffer.indexOf('\n')
    while (nl >= 0) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      nl = buffer.indexOf('\n')
      if (!line.startsWith('{')) continue
      const parsed = JSON.parse(line) as Record<string, unknown>
      seen.push(parsed)
      for (const w of waiters.filter((w) => w.event === parsed.event)) w.resolve(parsed)
    }
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  return {
    child,
    exited,
    next: (event, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const found = seen.find((l) => l.event === event)
        if (found) return resolve(found)
        const timer = setTimeout(() => reject(new Error(`no "${event}" from the worker process within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs)
        waiters.push({
          event,
          resolve: (line) => {
            clearTimeout(timer)
            resolve(line)
          },
        })
        void exited.then(({ code, signal }) => reject(new Error(`worker process exited (${code ?? signal}) before "${event}"; stderr: ${stderr}`)))
      }),
  }
}
