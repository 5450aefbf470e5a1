import type { ChildProcess } from 'node:child_process'
import * as path from 'node:path'
import { followLocal } from '../../src/client/localFollow.js'
import { RemoteQueue } from '../../src/client/RemoteQueue.js'
import { startServer } from '../../src/server/index.js'
import type { OpenSubject } from '../subject.js'
import { REMOTE_WORKERS, ROOT, spawnWorkers, stopWorkers } from '../worker/processes.js'
import type { WorkerEvents } from '../worker/types.js'
import { openQueue, type TaskQueue } from '../../src/index.js'
import { livequeueSubject } from './subject.js'

const HANDLERS = path.join(ROOT, 'bench', 'worker', 'noop-handlers.mjs')

/**
 * livequeue with its HTTP API and two `livequeue worker` processes: the producer enqueues in the
 * host process; the workers claim by long-poll over loopback HTTP. A handler's start and end are
 * read from the host's activity stream (`started`, `completed`), i.e. when the claim and the
 * completion were committed in the host.
 */
export const openLivequeueRemote =
  (opts: { httpProducer?: boolean } = {}): OpenSubject =>
  async (dir) => {
    const queue = await openQueue({ dataDir: dir })
    const local = livequeueSubject(queue)
    const server = await startServer({ queue, port: 0 })
    const children: ChildProcess[] = []
    // The awaited-producer measures: one HTTP request per task through the client, as a web app would send.
    const producer = opts.httpProducer ? new RemoteQueue({ url: server.url }) : null
    return {
      ...local,
      ...(producer ? { enqueue: (task) => producer.enqueue(task) } : {}),
      name: 'livequeue (2 remote workers)',
      startWorker: async (concurrency, events) => {
        const unfollow = follow(queue, events)
        children.push(
          ...spawnWorkers(concurrency, (slots) => [
            path.join(ROOT, 'bin', 'livequeue.js'),
            'worker',
            '--server',
            server.url,
            '--workers',
            HANDLERS,
            '--concurrency',
            slots,
            '--quiet',
          ]),
        )
        // Ready when both runners registered with the host.
        for (;;) {
          const running = (await queue.runners()).filter((r) => r.status === 'running').length
          if (running >= REMOTE_WORKERS) break
          await new Promise((r) => setTimeout(r, 50))
        }
        return {
          stop: async () => {
            await stopWorkers(children)
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
