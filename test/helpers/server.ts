import * as path from 'node:path'
import { type Role, ROLES } from '../../src/auth/roles.js'
import { createToken } from '../../src/auth/tokenStore.js'
import { openQueue } from '../../src/taskQueue/openQueue.js'
import type { TaskQueue } from '../../src/taskQueue/TaskQueue.js'
import { type ServerOptions, startServer } from '../../src/server/index.js'
import { tempDir } from './queue.js'

export type Answer = { status: number; body: any; text: string; headers: Headers }

export type TestServer = Awaited<ReturnType<typeof startTestServer>>

/**
 * A real server on an ephemeral loopback port over an in-memory queue, with its tokens file in a
 * temp dir. With `tokens: true`, one token per role (named after the role) plus a second
 * producer, `producer2`. `api` is plain `fetch`, as any client would call it.
 */
export const startTestServer = async (opts: { tokens?: boolean; queue?: TaskQueue } & Partial<Omit<ServerOptions, 'queue'>> = {}) => {
  const { tokens: withTokens, queue: given, ...serverOpts } = opts
  const dir = tempDir('livequeue-server-')
  const tokensFile = path.join(dir, 'tokens.json')
  const tokens: Record<string, string> = {}
  if (withTokens) {
    for (const role of ROLES) tokens[role] = createToken(tokensFile, { name: role, role }).token
    tokens.producer2 = createToken(tokensFile, { name: 'producer2', role: 'producer' }).token
  }
  const queue = given ?? (await openQueue({ inMemory: true }))
  const server = await startServer({ queue, port: 0, tokensFile, ...serverOpts })

  const api = async (
    method: string,
    route: string,
    init: { body?: unknown; token?: string; headers?: Record<string, string>; raw?: string; signal?: AbortSignal } = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = { ...init.headers }
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`
    if (init.body !== undefined || init.raw !== undefined) headers['content-type'] ??= 'application/json'
    const response = await fetch(server.url + route, {
      method,
      headers,
      ...(init.raw !== undefined ? { body: init.raw } : init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    })
    const text = await response.text()
    let body: any = text
    try {
      body = JSON.parse(text)
    } catch {
      // text answers: /metrics, /api/docs
    }
    return { status: response.status, body, text, headers: response.headers }
  }

  return {
    queue,
    server,
    url: server.url,
    dir,
    tokensFile,
    /** Token by role name (and `producer2`). */
    tokens: tokens as Record<Role | 'producer2', string>,
    api,
    /** The eventlog head: unchanged means nothing was written. */
    head: () => queue.store.syncStatus().localHead,
    async close() {
      await server.close()
      if (!given) await queue.close()
    },
  }
}

/** Reads a Server-Sent Events stream: `events` fill as they arrive; `until(n)` waits for n of them. */
export const readEvents = async (url: string, headers: Record<string, string> = {}) => {
  const controller = new AbortController()
  const response = await fetch(url, { headers, signal: controller.signal })
  const events: Array<{ id: number; event: string; data: any }> = []
  const comments: string[] = []
  const waiters: Array<() => void> = []
  let ended = false
  const done = (async () => {
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true })
        let end = buffer.indexOf('\n\n')
        while (end >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((l) => !l.startsWith(':'))
              .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
          )
          for (const l of block.split('\n')) if (l.startsWith(':')) comments.push(l.slice(1).trim())
          if (fields.id !== undefined) events.push({ id: Number(fields.id), event: String(fields.event), data: JSON.parse(String(fields.data)) })
          for (const w of waiters.splice(0)) w()
          end = buffer.indexOf('\n\n')
        }
      }
    } catch {
      // aborted
    }
    ended = true
    for (const w of waiters.splice(0)) w()
  })()
  const until = async (test: () => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs
    while (!test()) {
      if (ended) throw new Error(`stream ended; got ${events.length} events`)
      if (Date.now() > deadline) throw new Error(`timed out; got ${events.length} events, comments ${comments.join(',')}`)
      await new Promise<void>((resolve) => {
        waiters.push(resolve)
        setTimeout(resolve, 100)
      })
    }
  }
  return {
    response,
    events,
    comments,
    until,
    ended: () => ended,
    /** Resolves once the server ended the stream (or it was aborted). */
    done,
    close() {
      controller.abort()
      return done
    },
  }
}
