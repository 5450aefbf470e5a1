import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createToken } from '../src/auth/tokenStore.js'
import { Forbidden, HostUnreachable, Unauthorized } from '../src/client/errors.js'
import { RemoteQueue } from '../src/client/RemoteQueue.js'
import { sseParser } from '../src/client/sse.js'
import { QueueClosed, WaitTimedOut } from '../src/errors.js'
import { openQueue } from '../src/taskQueue/openQueue.js'
import type { TaskQueue } from '../src/taskQueue/TaskQueue.js'
import type { ActivityEntry } from '../src/queue/types.js'
import { type Server, startServer } from '../src/server/index.js'
import { tempDir, until } from './helpers/queue.js'

/**
 * What only the HTTP transport has: the SSE activity stream (and its resume after a drop),
 * long-polls, auth refusals, an unreachable host. Against the real server, on loopback ports.
 */

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const host = async (opts: { tokensFile?: string } = {}): Promise<{ owned: TaskQueue; server: Server; remote: RemoteQueue }> => {
  const owned = await openQueue({ inMemory: true })
  const server = await startServer({ queue: owned, host: '127.0.0.1', port: 0, ...opts })
  const remote = new RemoteQueue({ url: server.url })
  cleanups.push(async () => {
    await remote.close()
    await server.close()
    await owned.close()
  })
  return { owned, server, remote }
}

describe('RemoteQueue over HTTP', () => {
  it('activityStream: every entry once, in order, from now on or after `since`', async () => {
    const { remote } = await host()
    const before = await remote.enqueue({ type: 'before' })
    const seen: ActivityEntry[] = []
    const stream = remote.activityStream({}, (e) => seen.push(e))
    const replay: ActivityEntry[] = []
    const fromStart = remote.activityStream({ since: 0, type: 'before' }, (e) => replay.push(e))
    await until('the replay from the start', () => replay.length === 1)
    const tasks = await remote.enqueueMany(Array.from({ length: 5 }, (_, i) => ({ type: 'live', payload: i })))
    await remote.cancel(tasks[0]?.id as string)
    await until('six live entries', () => seen.length === 6)
    expect(seen.map((e) => e.kind)).toEqual(['queued', 'queued', 'queued', 'queued', 'queued', 'cancelled'])
    expect(seen.some((e) => e.taskId === before.id)).toBe(false)
    expect(seen.map((e) => e.seq)).toEqual([...seen.map((e) => e.seq)].sort((a, b) => a - b))
    expect(replay).toEqual([expect.objectContaining({ taskId: before.id, kind: 'queued' })])
    stream.close()
    fromStart.close()
    await expect(stream.done).resolves.toBeUndefined()
  })

  it('activityStream resumes after the host restarts, without a gap or a repeat', async () => {
    const owned = await openQueue({ inMemory: true })
    let server = await startServer({ queue: owned, host: '127.0.0.1', port: 0 })
    const port = server.port
    const remote = new RemoteQueue({ url: server.url })
    cleanups.push(async () => {
      await remote.close()
      await server.close()
      await owned.close()
    })
    const seen: ActivityEntry[] = []
    const stream = remote.activityStream({ retryForMs: 20_000 }, (e) => seen.push(e))
    await remote.enqueue({ type: 'one' })
    await until('the first entry', () => seen.length === 1)
    await server.close()
    // Written while no server listens: the stream must pick these up after it reconnects.
    await owned.enqueueMany([{ type: 'two' }, { type: 'three' }])
    server = await startServer({ queue: owned, host: '127.0.0.1', port })
    await owned.enqueue({ type: 'four' })
    await until('the entries written while no server listened', () => seen.length >= 4)
    // A repeat would come before a later entry: once 'five' is in, nothing came twice.
    await owned.enqueue({ type: 'five' })
    await until('the marker entry', () => seen.some((e) => e.type === 'five'))
    expect(seen.map((e) => e.type)).toEqual(['one', 'two', 'three', 'four', 'five'])
    stream.close()
  })

  it('claim long-polls until a task is enqueued; close ends a long-poll with QueueClosed', async () => {
    const { remote, server } = await host()
    const started = Date.now()
    const claiming = remote.claim({ runnerId: 'r1', waitMs: 20_000 })
    await until('the long-poll claim is waiting', () => server.waitingClaims() === 1)
    const task = await remote.enqueue({ type: 'late' })
    const [claim] = await claiming
    expect(claim?.task.id).toBe(task.id)
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(await remote.claim({ runnerId: 'r1', waitMs: 200 })).toEqual([])

    const other = new RemoteQueue({ url: remote.url })
    const waiting = other.claim({ runnerId: 'r2', waitMs: 20_000 }).catch((e) => e)
    await until('the long-poll claim is waiting', () => server.waitingClaims() === 1)
    await other.close()
    expect(await waiting).toBeInstanceOf(QueueClosed)
  })

  it('wait long-polls past one request, and times out with the caller’s timeout', async () => {
    const { remote } = await host()
    const task = await remote.enqueue({ type: 'job' })
    const timedOut = await remote.wait(task.id, { timeoutMs: 300 }).catch((e) => e)
    expect(timedOut).toBeInstanceOf(WaitTimedOut)
    expect(timedOut).toMatchObject({ taskId: task.id, timeoutMs: 300 })
    const waiting = remote.wait(task.id)
    const [claim] = await remote.claim({ runnerId: 'r1' })
    await remote.complete(claim?.executionId as string, 42, { runnerId: 'r1' })
    expect(await waiting).toMatchObject({ status: 'completed', result: 42 })
  })

  it('an unreachable host is HostUnreachable naming the URL', async () => {
    const { server } = await host()
    const url = server.url
    await server.close()
    const remote = new RemoteQueue({ url })
    const error = await remote.stats().catch((e) => e)
    expect(error).toBeInstanceOf(HostUnreachable)
    expect(error.message).toBe(`cannot reach the livequeue host at ${url} (connection refused); is \`livequeue serve\` running there?`)
    const stream = remote.activityStream({ retryForMs: 300 }, () => {})
    expect(await stream.done.catch((e) => e)).toBeInstanceOf(HostUnreachable)
  })

  it('no token or a bad one is Unauthorized; a role that may not is Forbidden', async () => {
    const tokensFile = path.join(tempDir(), 'tokens.json')
    const viewer = createToken(tokensFile, { name: 'eve', role: 'viewer' }).token
    const producer = createToken(tokensFile, { name: 'pat', role: 'producer' }).token
    const { server } = await host({ tokensFile })
    const anonymous = await new RemoteQueue({ url: server.url }).stats().catch((e) => e)
    expect(anonymous).toBeInstanceOf(Unauthorized)
    expect(anonymous.message).toMatch(/--token or \$LIVEQUEUE_TOKEN/)
    expect(await new RemoteQueue({ url: server.url, token: 'lq_wrong' }).stats().catch((e) => e)).toBeInstanceOf(Unauthorized)
    const reader = new RemoteQueue({ url: server.url, token: viewer })
    expect((await reader.stats()).byStatus.pending).toBe(0)
    expect(await reader.enqueue({ type: 'x' }).catch((e) => e)).toBeInstanceOf(Forbidden)
    const stream = reader.activityStream({}, () => {})
    const maker = new RemoteQueue({ url: server.url, token: producer })
    const task = await maker.enqueue({ type: 'x' })
    expect(task.createdBy).toBe('pat')
    expect(await maker.pause('q').catch((e) => e)).toBeInstanceOf(Forbidden)
    stream.close()
    expect(await new RemoteQueue({ url: server.url }).activityStream({}, () => {}).done.catch((e) => e)).toBeInstanceOf(Unauthorized)
  })
})

describe('the SSE parser', () => {
  it('reads events split anywhere across chunks, with any line ending, skipping comments', () => {
    const events: Array<{ id: string | undefined; event: string; data: string }> = []
    const text =
      ': keepalive\r\nid: 1\r\nevent: activity\r\ndata: {"seq":1}\r\n\r\nid: 2\nevent: activity\ndata: a\ndata: b\n\n: keepalive\n\ndata: plain\r\r\n'
    for (const size of [1, 2, 3, 7, text.length]) {
      events.length = 0
      const parser = sseParser((e) => events.push(e))
      for (let i = 0; i < text.length; i += size) parser.push(text.slice(i, i + size))
      expect(events).toEqual([
        { id: '1', event: 'activity', data: '{"seq":1}' },
        { id: '2', event: 'activity', data: 'a\nb' },
        { id: undefined, event: 'message', data: 'plain' },
      ])
    }
  })
})
