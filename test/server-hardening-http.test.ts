import * as http from 'node:http'
import * as net from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DRAIN_BYTES } from '../src/server/bodyLimit.js'
import { DEFAULT_MAX_BODY_BYTES } from '../src/server/middleware.js'
import type { TaskQueue } from '../src/taskQueue/TaskQueue.js'
import { readEvents, startTestServer, type TestServer } from './helpers/server.js'

let t: TestServer
afterEach(async () => {
  await t?.close()
})

const MAX = DEFAULT_MAX_BODY_BYTES

type Sent = { status: number | null; body: any; error: string | null; bytesSent: number }

/**
 * POSTs `total` bytes with node:http, as a client that keeps sending whatever the server answers:
 * chunked unless `contentLength` is given; `pauseMs` between 64 KiB chunks makes it slow. The
 * body is a JSON task padded with spaces, so at or under the limit it is a valid request.
 */
const post = (url: string, total: number, opts: { contentLength?: number; pauseMs?: number; expectContinue?: boolean; route?: string } = {}) =>
  new Promise<Sent>((resolve) => {
    const u = new URL(url)
    const headers: Record<string, string | number> = { 'content-type': 'application/json' }
    if (opts.contentLength !== undefined) headers['content-length'] = opts.contentLength
    if (opts.expectContinue) headers.expect = '100-continue'
    const result: Sent = { status: null, body: null, error: null, bytesSent: 0 }
    const head = Buffer.from(JSON.stringify({ type: 'big' }))
    const req = http.request({ host: u.hostname, port: u.port, method: 'POST', path: opts.route ?? '/api/tasks', headers, agent: false })
    req.on('response', (res) => {
      result.status = res.statusCode ?? null
      let text = ''
      res.on('data', (d) => (text += d))
      res.on('end', () => {
        result.body = JSON.parse(text)
        resolve(result)
      })
    })
    req.on('error', (e) => {
      result.error = (e as NodeJS.ErrnoException).code ?? e.message
      if (result.status === null) resolve(result)
    })
    const send = () => {
      while (result.bytesSent < total && !req.destroyed) {
        const size = Math.min(64 * 1024, total - result.bytesSent)
        const chunk = result.bytesSent === 0 ? Buffer.concat([head, Buffer.alloc(size - head.length, ' ')]) : Buffer.alloc(size, ' ')
        result.bytesSent += size
        const more = req.write(chunk)
        if (opts.pauseMs) return void setTimeout(send, opts.pauseMs)
        if (!more) return void req.once('drain', send)
      }
      if (!req.destroyed) req.end()
    }
    if (opts.expectContinue) req.on('continue', send)
    else send()
  })

/**
 * A raw socket sending a chunked POST body of `total` bytes as fast as it can, never stopping
 * for an answer (node:http stops writing once it has a complete response); resolves when the
 * socket closes, with everything it received.
 */
const rawChunked = (url: string, total: number) =>
  new Promise<{ received: string; bytesSent: number }>((resolve) => {
    const u = new URL(url)
    const socket = net.connect(Number(u.port), u.hostname)
    let received = ''
    let bytesSent = 0
    socket.on('data', (d) => (received += d))
    socket.on('error', () => {})
    socket.on('close', () => resolve({ received, bytesSent }))
    socket.write(`POST /api/tasks HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`)
    const chunk = Buffer.concat([Buffer.from(`${(64 * 1024).toString(16)}\r\n`), Buffer.alloc(64 * 1024, ' '), Buffer.from('\r\n')])
    const send = () => {
      while (bytesSent < total && !socket.destroyed) {
        bytesSent += 64 * 1024
        if (!socket.write(chunk)) return void socket.once('drain', send)
      }
      if (!socket.destroyed) socket.end('0\r\n\r\n')
    }
    send()
  })

const expectTooLarge = (sent: Sent) => {
  expect(sent.status, `error ${sent.error}`).toBe(413)
  expect(sent.body.error).toMatchObject({ _tag: 'ValidationError', field: 'body', message: expect.stringContaining(`${MAX}-byte limit`) })
}

/** The host still answers: a probe and a real write. */
const stillServes = async () => {
  expect((await t.api('GET', '/healthz')).status).toBe(200)
  const task = await t.api('POST', '/api/tasks', { body: { type: 'after' } })
  expect(task.status).toBe(201)
}

describe('request bodies over the limit', () => {
  it('a chunked 3 MiB body is answered 413 with the JSON error body, not a reset; the next request works', async () => {
    t = await startTestServer()
    expectTooLarge(await post(t.url, 3 * 1024 * 1024))
    await stillServes()
  })

  it('a slow chunked body over the limit gets 413 as well', async () => {
    t = await startTestServer()
    expectTooLarge(await post(t.url, MAX + 256 * 1024, { pauseMs: 2 }))
    await stillServes()
  })

  it('a Content-Length over the limit is answered 413 before the body is read, also for Expect: 100-continue', async () => {
    t = await startTestServer()
    expectTooLarge(await post(t.url, 3 * 1024 * 1024, { contentLength: 3 * 1024 * 1024 }))
    const asked = await post(t.url, 3 * 1024 * 1024, { contentLength: 3 * 1024 * 1024, expectContinue: true })
    expectTooLarge(asked)
    expect(asked.bytesSent).toBe(0) // refused instead of `100 Continue`: nothing was sent
    await stillServes()
  })

  it('a client that never stops sending still reads the 413; the connection is closed past the drain bound', async () => {
    t = await startTestServer()
    const endless = await rawChunked(t.url, 64 * 1024 * 1024)
    expect(endless.received).toMatch(/^HTTP\/1\.1 413 /)
    expect(JSON.parse(endless.received.slice(endless.received.indexOf('\r\n\r\n') + 4)).error).toMatchObject({ _tag: 'ValidationError', field: 'body' })
    // It kept writing while the server discarded up to the bound; then the server closed.
    expect(endless.bytesSent).toBeGreaterThan(MAX + DRAIN_BYTES)
    expect(endless.bytesSent).toBeLessThan(64 * 1024 * 1024)
    await stillServes()
  })

  it('a body of exactly the limit still works, chunked or with Content-Length', async () => {
    t = await startTestServer()
    const chunked = await post(t.url, MAX)
    expect(chunked.status, JSON.stringify(chunked.body)).toBe(201)
    expect(chunked.body).toMatchObject({ type: 'big', status: 'pending' })
    const sized = await post(t.url, MAX, { contentLength: MAX })
    expect(sized.status, JSON.stringify(sized.body)).toBe(201)
    await stillServes()
  })
})

/** A gauge or counter from /metrics, as a scraper reads it. */
const metric = async (name: string): Promise<number> => {
  const text = (await t.api('GET', '/metrics')).text
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  if (line === undefined) throw new Error(`no ${name} in /metrics`)
  return Number(line.slice(name.length + 1))
}

/**
 * Activity worth about `mib` MiB: tasks that fail with the longest error message (8 KiB), whose
 * activity summaries carry it. ~4 MiB is what the kernel buffers for a loopback socket nobody
 * reads (measured here: 3.9 MiB before a write is refused), so a stalled client only shows as
 * one past that.
 */
const fillActivity = async (queue: TaskQueue, mib: number) => {
  const message = 'x'.repeat(8 * 1024)
  let left = Math.ceil((mib * 1024) / 8)
  while (left > 0) {
    const n = Math.min(200, left)
    left -= n
    await queue.enqueueMany(Array.from({ length: n }, () => ({ type: 'heavy', maxAttempts: 1 })))
    const claims = await queue.claim({ runnerId: 'filler', types: ['heavy'], limit: n })
    await Promise.all(claims.map((c) => queue.fail(c.executionId, { message })))
  }
}

/** A GET of the stream on a raw socket that never reads a byte of the answer. */
const stalledClient = (url: string) => {
  const u = new URL(url)
  const socket = net.connect(Number(u.port), u.hostname)
  socket.on('error', () => {})
  socket.write(`GET /api/activity/stream HTTP/1.1\r\nHost: ${u.host}\r\n\r\n`)
  socket.pause()
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
  return { socket, closed }
}

describe('activity streams (SSE): bounded per client', () => {
  it('clients connecting and leaving over and over leave no stream state behind', async () => {
    t = await startTestServer()
    for (let round = 0; round < 4; round++) {
      const clients = await Promise.all(Array.from({ length: 20 }, () => readEvents(`${t.url}/api/activity/stream`)))
      await vi.waitFor(async () => expect(await metric('livequeue_sse_streams')).toBe(20))
      const task = await t.queue.enqueue({ type: 'ping' })
      await Promise.all(clients.map((c) => c.until(() => c.events.some((e) => e.data.taskId === task.id))))
      // Half leave mid-stream, half after a burst they have not all read yet.
      await Promise.all(clients.slice(0, 10).map((c) => c.close()))
      await t.queue.enqueueMany(Array.from({ length: 300 }, () => ({ type: 'burst' })))
      await Promise.all(clients.slice(10).map((c) => c.close()))
      await vi.waitFor(async () => expect(await metric('livequeue_sse_streams')).toBe(0))
    }
    expect(await metric('livequeue_sse_dropped_total')).toBe(0)
  })

  it('a client that never reads is dropped once its backlog stalls past the bound; the others keep receiving', async () => {
    t = await startTestServer({ keepaliveMs: 50, sse: { stallMs: 300 } })
    const reader = await readEvents(`${t.url}/api/activity/stream`)
    const stalled = stalledClient(t.url)
    await vi.waitFor(async () => expect(await metric('livequeue_sse_streams')).toBe(2))
    await fillActivity(t.queue, 8)
    await vi.waitFor(async () => expect(await metric('livequeue_sse_dropped_total')).toBe(1))
    expect(await metric('livequeue_sse_streams')).toBe(1)
    // A paused socket does not notice the close; reading on, it finds the end.
    stalled.socket.resume()
    await stalled.closed
    // The reader got everything, and still follows.
    const total = (await t.queue.stats()).byStatus.failed
    await reader.until(() => reader.events.filter((e) => e.data.kind === 'failed').length === total)
    const after = await t.queue.enqueue({ type: 'after' })
    await reader.until(() => reader.events.some((e) => e.data.taskId === after.id))
    await reader.close()
    await vi.waitFor(async () => expect(await metric('livequeue_sse_streams')).toBe(0))
  })

  it('more streams than the cap are refused with 503 JSON; a freed slot takes the next', async () => {
    t = await startTestServer({ sse: { maxStreams: 2 } })
    const open = [await readEvents(`${t.url}/api/activity/stream`), await readEvents(`${t.url}/api/activity/stream`)]
    const refused = await t.api('GET', '/api/activity/stream')
    expect(refused.status).toBe(503)
    expect(refused.body.error).toMatchObject({ _tag: 'TooManyStreams', limit: 2 })
    expect(await metric('livequeue_sse_refused_total')).toBe(1)
    await open[0]!.close()
    await vi.waitFor(async () => expect(await metric('livequeue_sse_streams')).toBe(1))
    const next = await readEvents(`${t.url}/api/activity/stream`)
    expect(next.response.status).toBe(200)
    await Promise.all([open[1]!.close(), next.close()])
  })
})
