import type { ChildProcess } from 'node:child_process'
import * as path from 'node:path'
import type { OpenSubject } from '../subject.js'
import { REMOTE_WORKERS, ROOT, spawnWorkers, stopWorkers } from '../worker/processes.js'
import { type SqliteHttpHost, startSqliteHttpHost } from './httpHost.js'
import { SqliteQueue, type Synchronous } from './sqliteQueue.js'

const WORKER = path.join(ROOT, 'bench', 'worker', 'sqliteRemoteWorker.mjs')

/**
 * The baseline doing the remote measures' work: the better-sqlite3 queue behind an HTTP host in
 * this process (the producer enqueues here), two worker processes claiming by long-poll over
 * loopback. A handler's start and end are taken when the host commits the claim and the completion.
 */
export const openSqliteRemote =
  (synchronous: Synchronous, opts: { httpProducer?: boolean } = {}): OpenSubject =>
  async (dir) => {
    const queue = new SqliteQueue(path.join(dir, 'queue.db'), synchronous)
    const children: ChildProcess[] = []
    let host: SqliteHttpHost | null = null
    return {
      name: 'better-sqlite3 (2 remote workers)',
      enqueue: (task) => {
        // The awaited-producer measures: one HTTP request per task, as a web app would send.
        if (opts.httpProducer && host !== null) return postJson(`${host.url}/enqueue`, task)
        const id = queue.enqueue(task)
        host?.notify()
        return id
      },
      enqueueMany: (tasks) => {
        const ids = queue.enqueueMany(tasks)
        host?.notify()
        return ids
      },
      claim: (limit) => queue.claim({ runnerId: 'bench-runner', limit }),
      complete: (executionId) => queue.complete(executionId, null),
      count: (status) => queue.countByStatus(status),
      startWorker: async (concurrency, events) => {
        const h = await startSqliteHttpHost(queue, {
          onClaimed: (n) => {
            for (let i = 0; i < n; i++) events.onStart()
          },
          onCompleted: () => events.onDone(),
        })
        host = h
        children.push(...spawnWorkers(concurrency, (slots) => [WORKER, h.url, slots]))
        while (h.hellos < REMOTE_WORKERS) await new Promise((r) => setTimeout(r, 20))
        return {
          stop: async () => {
            await stopWorkers(children)
            host = null
            await h.close()
          },
        }
      },
      close: async () => {
        for (const c of children.splice(0)) c.kill('SIGKILL')
        await host?.close()
        queue.close()
      },
    }
  }

const postJson = async (url: string, body: unknown): Promise<unknown> => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`)
  return res.json()
}
