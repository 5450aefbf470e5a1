import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { startHost } from '../src/host/startHost.js'
import { openQueue } from '../src/taskQueue/openQueue.js'
import { readLock } from '../src/store/lockFile.js'
import { exited, FIXTURES } from './helpers/child.js'
import { cli, ROOT } from './helpers/cli.js'
import { tempDir, until } from './helpers/queue.js'

const post = (url: string, body?: unknown, token?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })

const json = async (response: Promise<Response> | Response): Promise<any> => (await response).json()

describe('the host serves HTTP', () => {
  it('writes its URL into the lock, reaps remote leases without in-process workers, and stops gracefully', async () => {
    const dataDir = tempDir()
    const lines: string[] = []
    const host = await startHost({ dataDir, http: { port: 0 }, followActivity: false, write: (l) => lines.push(l) })
    const url = host.server!.url
    expect(readLock(dataDir)?.url).toBe(url)
    expect(lines.join('\n')).toContain(`http:    ${url}`)
    expect(lines.join('\n')).toContain(`dashboard: ${url}/`)
    expect(lines.join('\n')).toContain('auth:    none')
    expect((await fetch(`${url}/readyz`)).status).toBe(200)

    // A remote worker claims with a short lease and vanishes: the host's reaper expires it.
    const task = await json(post(`${url}/api/tasks`, { type: 'x', backoff: 'immediate' }))
    const claim = await json(post(`${url}/api/claims`, { runnerId: 'gone', leaseMs: 200 }))
    expect(claim.claims).toHaveLength(1)
    await until('the reaper expired the lease', async () => (await host.queue.get(task.id)).executions?.[0]?.status === 'expired')

    const waiting = fetch(`${url}/api/tasks/${task.id}/wait?timeoutMs=60000`)
    const polling = post(`${url}/api/claims`, { runnerId: 'r', types: ['none'], waitMs: 30_000 })
    // Both are in the host before it stops: the stop must end them, not refuse them.
    await until('the wait and the long-poll claim are in', () => host.server!.waitingClaims() === 1 && host.server!.requestsInFlight() === 2)
    const started = Date.now()
    await host.stop()
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(await json(polling)).toEqual({ claims: [] })
    const waited = await waiting
    expect(waited.status).toBe(503)
    expect((await json(waited)).error._tag).toBe('QueueClosed')
    expect(readLock(dataDir)).toBeNull()
    await expect(fetch(`${url}/healthz`)).rejects.toThrow()
  })

  it('counts the in-process worker in /metrics', async () => {
    const dataDir = tempDir()
    const host = await startHost({ dataDir, http: { port: 0 }, workers: path.join(FIXTURES, 'slow-handlers.mjs'), followActivity: false, write: () => {} })
    try {
      const task = await host.queue.enqueue({ type: 'slow', payload: { ms: 10 } })
      await host.queue.wait(task.id, { timeoutMs: 10_000 })
      const metrics = await (await fetch(`${host.server!.url}/metrics`)).text()
      expect(metrics).toContain('livequeue_claims_total 1')
      expect(metrics).toContain('livequeue_completions_total 1')
      expect(metrics).toContain('livequeue_tasks{status="completed",queue="default"} 1')
    } finally {
      await host.stop()
    }
  })

  it('`livequeue serve --host 0.0.0.0` with a token: prints the URL, wants the token, and SIGTERM exits 0 with writes kept', async () => {
    const dataDir = tempDir()
    const created = await cli(['token', 'create', '--role', 'admin', '--name', 'ops', '--data-dir', dataDir, '--json'])
    const { token } = JSON.parse(created.stdout)
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'livequeue.js'), 'serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    await until('the host printed its URL', () => /http: +http:\/\/127\.0\.0\.1:\d+/.test(out))
    const url = readLock(dataDir)!.url!
    expect(out).toContain(url)
    expect(out).toContain('auth:    bearer tokens')
    expect((await post(`${url}/api/tasks`, { type: 'kept' })).status).toBe(401)
    const task = await json(post(`${url}/api/tasks`, { type: 'kept' }, token))
    child.kill('SIGTERM')
    expect(await exited(child), out).toEqual({ code: 0, signal: null })
    expect(fs.existsSync(path.join(dataDir, 'livequeue.lock'))).toBe(false)
    const queue = await openQueue({ dataDir })
    expect((await queue.get(task.id)).createdBy).toBe('ops')
    await queue.close()
  })
})
