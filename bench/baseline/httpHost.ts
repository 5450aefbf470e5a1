import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { SqliteClaim, SqliteQueue } from './sqliteQueue.js'

/** One waiting claim: answered when work arrives or its time runs out. */
type Waiter = { limit: number; answer: (claims: SqliteClaim[]) => void; timer: NodeJS.Timeout }

export type SqliteHttpHost = {
  url: string
  /** Worker processes that said hello. */
  readonly hellos: number
  /** Call after each enqueue: answers waiting claims. */
  notify(): void
  close(): Promise<void>
}

/**
 * The remote baseline's host: the better-sqlite3 queue behind a minimal JSON-over-HTTP API with
 * the same shape of conversation as livequeue's remote workers (docs/http-api.md): a long-poll
 * claim for up to the worker's free slots (answered the moment an enqueue makes work, no poll
 * interval), one request per completion. `onClaimed` / `onCompleted` fire when the host has
 * committed the claim / the completion, as livequeue's bench reads them from its activity stream.
 */
export const startSqliteHttpHost = async (queue: SqliteQueue, events: { onClaimed(n: number): void; onCompleted(): void }): Promise<SqliteHttpHost> => {
  const waiters = new Set<Waiter>()
  let hellos = 0
  const claimNow = (limit: number): SqliteClaim[] => {
    const claims = queue.claim({ runnerId: 'bench-remote', limit })
    if (claims.length > 0) events.onClaimed(claims.length)
    return claims
  }
  const notify = () => {
    for (const w of waiters) {
      const claims = claimNow(w.limit)
      if (claims.length === 0) return
      waiters.delete(w)
      clearTimeout(w.timer)
      w.answer(claims)
    }
  }
  const route = (path: string | undefined, body: any, reply: (value: unknown) => void) => {
    if (path === '/hello') {
      hellos++
      return reply({ ok: true })
    }
    if (path === '/enqueue') {
      const id = queue.enqueue(body)
      reply({ id })
      return notify()
    }
    if (path === '/complete') {
      queue.complete(String(body.executionId), null)
      events.onCompleted()
      reply({ accepted: true })
      return notify()
    }
    if (path === '/claim') {
      const limit = Number(body.limit)
      const claims = claimNow(limit)
      if (claims.length > 0 || !(body.waitMs > 0)) return reply(claims)
      const w: Waiter = { limit, answer: reply, timer: setTimeout(() => waiters.delete(w) && reply([]), Number(body.waitMs)) }
      waiters.add(w)
      return
    }
    throw new Error(`no route ${path}`)
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const reply = (value: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify(value))
      }
      try {
        route(req.url, chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}, reply)
      } catch (error) {
        res.writeHead(400, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: String(error) }))
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    get hellos() {
      return hellos
    },
    notify,
    close: async () => {
      for (const w of waiters) {
        clearTimeout(w.timer)
        w.answer([])
      }
      waiters.clear()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
