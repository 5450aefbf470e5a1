import { type ChildProcess, spawn } from 'node:child_process'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { followLocal } from '../../src/client/localFollow.js'
import { startServer } from '../../src/server/index.js'
import type { OpenSubject } from '../subject.js'
import type { WorkerEvents } from '../worker/types.js'
import { openQueue, type TaskQueue } from '../../src/index.js'
import { livequeueSubject } from './subject.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const HANDLERS = path.join(ROOT, 'bench', 'worker', 'noop-handlers.mjs')
const REMOTE_WORKERS = 2

/**
 * livequeue with its HTTP API and two `livequeue worker` processes: the producer enqueues in the
 * host process; the workers claim by long-poll over loopback HTTP. A handler's start and end are
 * read from the host's activity stream (`started`, `completed`), i.e. when the claim and the
 * completion were committed in the host.
 */
export const openLivequeueRemote: OpenSubject = async (dir) => {
  const queue = await openQueue({ dataDir: dir })
  const local = livequeueSubject(queue)
  const server = await startServer({ queue, port: 0 })
  const children: ChildProcess[] = []
  return {
    ...local,
    name: 'livequeue (2 remote workers)',
    startWorker: async (concurrency, events) => {
      const unfollow = follow(queue, events)
      const perWorker = String(Math.max(1, Math.ceil(concurrency / REMOTE_WORKERS)))
      for (let i = 0; i < REMOTE_WORKERS; i++) {
        children.push(
          spawn(process.execPath, [path.join(ROOT, 'bin', 'livequeue.js'), 'worker', '--server', server.url, '--workers', HANDLERS, '--concurrency', perWorker, '--quiet'], {
            stdio: 'ignore',
          }),
        )
      }
      // Ready when both runners registered with the host.
      for (;;) {
        const running = (await queue.runners()).filter((r) => r.status === 'running').length
        if (running >= REMOTE_WORKERS) break
        await new Promise((r) => setTimeout(r, 50))
      }
      return {
        stop: async () => {
          const exits = children.splice(0).map((c) => {
            const exited = new Promise((resolve) => c.once('exit', resolve))
            c.kill('SIGTERM')
            return exited
          })
          await Promise.all(exits)
          unfollow()
        },
      }
    },
    close: async () => {
      for (const c of children.splice(0)) c.kill('SIGKILL')
      await server.close()
      await local.close()
    },
  }
}

/** Calls `onStart` per `started` and `onDone` per `completed` activity entry, live. */
const follow = (queue: TaskQueue, events: WorkerEvents): (() => void) => {
  const stream = followLocal(queue, {}, (e) => {
    if (e.kind === 'started') events.onStart()
    else if (e.kind === 'completed') events.onDone()
  })
  return () => stream.close()
}
