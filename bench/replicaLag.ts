/**
 * Replica lag: from the host's acknowledgement of an enqueue (its HTTP answer: the task is
 * persisted) to the moment a read replica first has the task, through a local sync-cf backend
 * under `wrangler dev`. Real parts: wrangler + workerd, `livequeue serve --sync-url` as a child
 * process, `openReplica` here.
 *
 *   npm run bench:replica-lag            (or: npm run build && node dist/bench/replicaLag.js [--json] [--tasks N] [--burst N])
 *
 * Two runs: tasks one at a time (each lag alone), then a burst of concurrent enqueues (group
 * commit puts them in few events; the lag includes waiting behind the rest of the burst).
 */
import { spawn } from 'node:child_process'
import * as path from 'node:path'
import { connect } from '../src/client/connect.js'
import { openReplica } from '../src/replica/openReplica.js'
import { readLock } from '../src/store/lockFile.js'
import { startSyncBackend } from '../test/helpers/syncBackend.js'
import { p50, p99 } from './measure.js'
import { withTempDir } from './tempDir.js'

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const TASKS = arg('tasks', 100)
const BURST = arg('burst', 200)
const JSON_OUT = process.argv.includes('--json')
const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'livequeue.js')

const startHost = (dataDir: string, syncUrl: string) => {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--quiet', '--data-dir', dataDir, '--sync-url', syncUrl], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const url = new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const lock = readLock(dataDir)
      if (lock && lock.pid === child.pid && lock.url) {
        clearInterval(timer)
        resolve(lock.url)
      }
    }, 50)
    child.on('exit', (code) => {
      clearInterval(timer)
      reject(new Error(`livequeue serve exited with ${code}`))
    })
  })
  return { child, url }
}

const main = async () => {
  const backend = await startSyncBackend()
  try {
    await withTempDir(async (dataDir) => {
      const host = startHost(dataDir, backend.url)
      const url = await host.url
      const queue = await connect({ server: url })
      const replica = await openReplica({ syncUrl: backend.url })
      // When each task first reached the replica (its first activity entry), recorded as it arrives.
      const seenAt = new Map<string, number>()
      const waiters = new Map<string, () => void>()
      const stream = replica.followActivity({ since: 0 }, (entry) => {
        if (entry.taskId === null || seenAt.has(entry.taskId)) return
        seenAt.set(entry.taskId, Date.now())
        waiters.get(entry.taskId)?.()
      })
      const seen = (id: string) => (seenAt.has(id) ? Promise.resolve() : new Promise<void>((resolve) => waiters.set(id, resolve)))
      const lagOf = async (id: string, ackAt: number) => {
        await seen(id)
        return (seenAt.get(id) as number) - ackAt
      }
      try {
        const single: number[] = []
        for (let i = 0; i < TASKS; i++) {
          const task = await queue.enqueue({ type: 'bench.lag', payload: { i } })
          single.push(await lagOf(task.id, Date.now()))
        }
        const burst = await Promise.all(
          Array.from({ length: BURST }, async (_, i) => {
            const task = await queue.enqueue({ type: 'bench.lag.burst', payload: { i } })
            return lagOf(task.id, Date.now())
          }),
        )
        const result = {
          single: { tasks: single.length, p50: p50(single), p99: p99(single), max: Math.max(...single) },
          burst: { tasks: burst.length, p50: p50(burst), p99: p99(burst), max: Math.max(...burst) },
        }
        if (JSON_OUT) console.log(JSON.stringify(result))
        else {
          console.log(`replica lag (host ack → replica has it), node ${process.version}, local wrangler dev`)
          console.log(`  one at a time: ${result.single.tasks} tasks  p50 ${result.single.p50} ms  p99 ${result.single.p99} ms  max ${result.single.max} ms`)
          console.log(`  burst:         ${result.burst.tasks} tasks  p50 ${result.burst.p50} ms  p99 ${result.burst.p99} ms  max ${result.burst.max} ms`)
        }
      } finally {
        stream.close()
        await replica.close()
        await queue.close()
        host.child.kill('SIGTERM')
        await new Promise((resolve) => host.child.on('exit', resolve))
      }
    })
  } finally {
    await backend.stop()
  }
}

await main()
