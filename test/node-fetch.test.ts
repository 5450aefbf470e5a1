import * as net from 'node:net'
import { afterEach, expect, it } from 'vitest'
import { HostUnreachable } from '../src/client/errors.js'
import { nodeFetch } from '../src/client/nodeFetch.js'
import { RemoteQueue } from '../src/client/RemoteQueue.js'
import { QueueClosed, TaskNotFound } from '../src/errors.js'
import { type Server, startServer } from '../src/server/index.js'
import type { TaskQueue } from '../src/taskQueue/TaskQueue.js'
import { openQueue } from '../src/taskQueue/openQueue.js'
import { until } from './helpers/queue.js'

/**
 * `nodeFetch` (the CLI's JSON requests on node:http, src/client/nodeFetch.ts) behind a
 * RemoteQueue against the real server: answers, decoded refusals, a long-poll cut by close, and
 * an unreachable host read as with the global fetch.
 */

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const host = async (): Promise<{ owned: TaskQueue; server: Server; remote: RemoteQueue }> => {
  const owned = await openQueue({ inMemory: true })
  const server = await startServer({ queue: owned, host: '127.0.0.1', port: 0 })
  const remote = new RemoteQueue({ url: server.url, fetch: nodeFetch })
  cleanups.push(async () => {
    await remote.close()
    await server.close()
    await owned.close()
  })
  return { owned, server, remote }
}

it('sends JSON requests and reads answers and refusals as fetch does', async () => {
  const { owned, remote } = await host()
  const task = await remote.enqueue({ type: 'email', payload: { to: 'ü@example.com', text: 'x'.repeat(100_000) } })
  expect(await owned.get(task.id)).toMatchObject({ id: task.id, payload: { to: 'ü@example.com' } })
  expect(await remote.get(task.id)).toEqual(await owned.get(task.id))
  await expect(remote.get('nope')).rejects.toBeInstanceOf(TaskNotFound)
})

it('a long-poll in flight ends with QueueClosed when the queue closes', async () => {
  const { server, remote } = await host()
  const poll = remote.claim({ runnerId: 'r1', waitMs: 30_000 })
  // Closed once the host holds the claim, so the abort cuts a live request.
  await until('the claim is waiting on the host', () => server.waitingClaims() === 1)
  await remote.close()
  await expect(poll).rejects.toBeInstanceOf(QueueClosed)
  await until('the host let go of the claim', () => server.waitingClaims() === 0)
})

it('an unreachable host is HostUnreachable, connection refused', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })
  const remote = new RemoteQueue({ url: `http://127.0.0.1:${port}`, fetch: nodeFetch })
  const error = await remote.stats().catch((e: unknown) => e)
  expect(error).toBeInstanceOf(HostUnreachable)
  expect((error as HostUnreachable).reason).toBe('connection refused')
})
