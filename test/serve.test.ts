import { spawn } from 'node:child_process'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openQueue } from '../src/index.js'
import { exited, FIXTURES } from './helpers/child.js'
import { tempDir } from './helpers/queue.js'

const BIN = path.resolve(import.meta.dirname, '..', 'bin', 'livequeue.js')

/** Starts `livequeue serve` and resolves once its output contains `text`. */
const serve = (args: string[]) => {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const waiters: Array<{ text: string; resolve: () => void }> = []
  const onData = (d: Buffer) => {
    out += d
    for (const w of waiters.filter((w) => out.includes(w.text))) w.resolve()
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  return {
    child,
    output: () => out,
    sees: (text: string) => new Promise<void>((resolve) => (out.includes(text) ? resolve() : waiters.push({ text, resolve }))),
  }
}

describe('livequeue serve', () => {
  it('runs the handlers module, prints the activity, and on SIGTERM finishes running tasks and exits 0 with nothing lost', async () => {
    const dataDir = tempDir()
    const producer = await openQueue({ dataDir })
    const tasks = await producer.enqueueMany(Array.from({ length: 6 }, (_, i) => ({ type: 'slow', payload: { ms: 1_500, i } })))
    await producer.close()

    const host = serve(['--data-dir', dataDir, '--workers', path.join(FIXTURES, 'slow-handlers.mjs'), '--concurrency', '2'])
    await host.sees(`data:    ${dataDir}`)
    await host.sees('started')
    host.child.kill('SIGTERM')
    expect(await exited(host.child), host.output()).toEqual({ code: 0, signal: null })
    expect(host.output()).toContain('SIGTERM: stopping')

    const queue = await openQueue({ dataDir })
    const states = await Promise.all(tasks.map((t) => queue.get(t.id)))
    // The two running tasks finished within the grace period; the rest wait, untouched.
    expect(states.filter((t) => t.status === 'completed')).toHaveLength(2)
    expect(states.filter((t) => t.status === 'pending')).toHaveLength(4)
    expect(states.filter((t) => t.status === 'processing')).toHaveLength(0)
    const runners = queue.store.query({ query: 'SELECT status FROM runners', bindValues: {} })
    expect(runners).toEqual([{ status: 'stopped' }])
    await queue.close()
  })

  it('refuses a handlers module that is not one, exit 1, and leaves the data dir usable', async () => {
    const dataDir = tempDir()
    const host = serve(['--data-dir', dataDir, '--workers', path.join(FIXTURES, 'hold-queue.mjs.missing')])
    expect((await exited(host.child)).code).toBe(1)
    expect(host.output()).toMatch(/invalid workers: cannot load/)
    const queue = await openQueue({ dataDir })
    await queue.close()
  })
})
