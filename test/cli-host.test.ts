import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RemoteQueue } from '../src/client/RemoteQueue.js'
import { FIXTURES } from './helpers/child.js'
import { cli, cliJson, removeTempDataDirs, tempDataDir } from './helpers/cli.js'
import { cliAt, spawnCli, startServe } from './helpers/host.js'

/**
 * The CLI through a running host: `livequeue serve --port 0` owns the data dir, and the same
 * commands that would open the store (and get StoreLocked) go through its HTTP API instead,
 * found from the lock file, or named with --server / $LIVEQUEUE_SERVER.
 */

const TIMEOUT = 180_000

/** A loopback port nothing listens on (taken from the OS, then let go). */
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

describe('livequeue CLI through a running host', () => {
  let dir: string
  let host: Awaited<ReturnType<typeof startServe>>
  let remote: RemoteQueue
  const d = () => ['--data-dir', dir]

  beforeAll(async () => {
    dir = tempDataDir()
    host = await startServe(dir, ['--workers', path.join(FIXTURES, 'host-handlers.mjs'), '--quiet'])
    remote = new RemoteQueue({ url: host.url })
  }, TIMEOUT)
  afterAll(async () => {
    await remote?.close()
    expect((await host?.stop())?.code, host?.output()).toBe(0)
    removeTempDataDirs()
  })

  it(
    'enqueue, list, show, stats and cancel go through the host instead of StoreLocked',
    async () => {
      const task = await cliJson(['enqueue', 'held', '--priority', 'high', '--queue', 'cli', ...d()])
      expect(task).toMatchObject({ type: 'held', status: 'pending', priority: 7, queue: 'cli' })
      expect(await remote.get(task.id)).toMatchObject({ id: task.id, type: 'held' })

      const human = await cli(['enqueue', 'held', '--queue', 'cli', ...d()])
      expect(human.code, human.stderr).toBe(0)
      expect(human.stdout).toMatch(/^enqueued \S+\n/)
      const list = await cliJson(['list', '--queue', 'cli', ...d()])
      expect(list.items).toHaveLength(2)
      expect(await cliJson(['show', task.id, ...d()])).toMatchObject({ id: task.id, executions: [] })
      const shown = await cli(['show', task.id, ...d()])
      expect(shown.stdout).toMatch(/Recent activity:\n\s*AT\s+KIND\s+SUMMARY\n.+queued held/)
      expect((await cliJson(['stats', ...d()])).byQueue.cli).toMatchObject({ pending: 2 })
      expect(await cliJson(['cancel', task.id, ...d()])).toMatchObject({ id: task.id, status: 'cancelled' })
      expect((await remote.get(task.id)).status).toBe('cancelled')

      // Refusals print and exit as they do without a host.
      const missing = await cli(['show', 'nope', ...d(), '--json'])
      expect(missing.code).toBe(1)
      expect(missing.stdout).toBe('')
      expect(JSON.parse(missing.stderr)).toEqual({
        error: { _tag: 'TaskNotFound', taskId: 'nope', message: 'no task with id nope (check the id with `livequeue list`)' },
      })
      const again = await cli(['cancel', task.id, ...d()])
      expect(again.code).toBe(1)
      expect(again.stderr).toBe(`error: cannot cancel task ${task.id}: it is cancelled; cancel applies to pending, processing or failed tasks\n`)
    },
    TIMEOUT,
  )

  it(
    'activity --follow --json sees a task enqueued meanwhile, and Ctrl-C exits 0',
    async () => {
      const follower = spawnCli(['activity', '--follow', '--json', '--type', 'followed', ...d()])
      // Nothing of this type yet: wait until the follower is connected, by a first entry it must see.
      const first = await cliJson(['enqueue', 'followed', ...d()])
      await follower.line((l) => l.includes(first.id))
      const second = await cliJson(['enqueue', 'followed', ...d()])
      const line = await follower.line((l) => l.includes(second.id))
      expect(JSON.parse(line)).toMatchObject({ kind: 'queued', taskId: second.id, type: 'followed' })
      expect(await follower.interrupt()).toEqual({ code: 0, signal: null })
      // Each entry once, in order.
      const seqs = follower.lines.map((l) => JSON.parse(l).seq as number)
      expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b))
    },
    TIMEOUT,
  )

  it(
    "wait returns when the host's worker completes the task; exit 1 when it fails",
    async () => {
      const task = await cliJson(['enqueue', 'steps', '--payload', '{"steps":3,"ms":300}', ...d()])
      const waited = await cli(['wait', task.id, '--timeout', '1m', '--json', ...d()])
      expect(waited.code, waited.stderr).toBe(0)
      expect(JSON.parse(waited.stdout)).toMatchObject({ id: task.id, status: 'completed', result: { steps: 3 } })
      const human = await cli(['wait', task.id, ...d()])
      expect(human.stdout).toMatch(new RegExp(`^completed ${task.id}`))

      const broken = await cliJson(['enqueue', 'broken', '--max-attempts', '1', ...d()])
      const failed = await cli(['wait', broken.id, ...d()])
      expect(failed.code).toBe(1)
      expect(failed.stderr).toBe(`error: task ${broken.id} failed: Error: broken on purpose\n`)

      const held = await cliJson(['enqueue', 'held', ...d()])
      const timedOut = await cli(['wait', held.id, '--timeout', '300ms', ...d()])
      expect(timedOut.code).toBe(1)
      expect(timedOut.stderr).toMatch(new RegExp(`^error: task ${held.id} did not finish within 300 ms`))
    },
    TIMEOUT,
  )

  it(
    'query answers read-only SQL and refuses a write with exit 1',
    async () => {
      const { rows } = await cliJson(['query', 'select count(*) as n from workerTasks', ...d()])
      expect(rows).toEqual([{ n: (await remote.list({ limit: 1000 })).items.length }])
      const table = await cli(['query', "select type from workerTasks where type = 'held' limit 1", ...d()])
      expect(table.stdout).toBe('type\nheld\n(1 row)\n')
      const refused = await cli(['query', 'delete from workerTasks', ...d()])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(/^error: invalid sql: only a read-only SELECT/)
    },
    TIMEOUT,
  )

  it(
    '--server (or $LIVEQUEUE_SERVER) works from another directory',
    async () => {
      const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'livequeue-elsewhere-'))
      try {
        const task = JSON.parse((await cliAt(elsewhere, ['enqueue', 'remote', '--server', host.url, '--json'])).stdout)
        expect(await remote.get(task.id)).toMatchObject({ type: 'remote' })
        const listed = await cliAt(elsewhere, ['list', '--type', 'remote', '--json'], { LIVEQUEUE_SERVER: host.url })
        expect(JSON.parse(listed.stdout).items.map((t: { id: string }) => t.id)).toEqual([task.id])
        // Nothing was opened or created where the command ran.
        expect(fs.readdirSync(elsewhere)).toEqual([])
        const closed = `http://127.0.0.1:${await freePort()}`
        const down = await cliAt(elsewhere, ['stats', '--server', closed, '--json'])
        expect(down.code).toBe(1)
        expect(JSON.parse(down.stderr).error).toEqual({
          _tag: 'HostUnreachable',
          url: closed,
          reason: 'connection refused',
          message: `cannot reach the livequeue host at ${closed} (connection refused); is \`livequeue serve\` running there?`,
        })
      } finally {
        fs.rmSync(elsewhere, { recursive: true, force: true })
      }
    },
    TIMEOUT,
  )

  it(
    'watch --json prints the stats again when a task changes',
    async () => {
      const watcher = spawnCli(['watch', '--json', '--interval', '100ms', ...d()])
      const before = JSON.parse(await watcher.line(() => true))
      await cliJson(['enqueue', 'watched', ...d()])
      const after = JSON.parse(await watcher.line((l) => JSON.parse(l).byType.watched !== undefined))
      expect(after.byStatus.pending).toBe(before.byStatus.pending + 1)
      expect(await watcher.interrupt()).toEqual({ code: 0, signal: null })
    },
    TIMEOUT,
  )
})

describe('the new commands with no host running', () => {
  afterAll(removeTempDataDirs)

  it(
    'activity, query, wait and activity --follow open the store themselves',
    async () => {
      const dir = tempDataDir()
      const d = ['--data-dir', dir]
      const task = await cliJson(['enqueue', 'local', ...d])
      const entries = await cliJson(['activity', ...d])
      expect(entries).toEqual([expect.objectContaining({ kind: 'queued', taskId: task.id })])
      expect((await cli(['activity', ...d])).stdout).toMatch(new RegExp(`queued\\s+local\\s+${task.id}\\s+queued local`))
      expect((await cliJson(['query', 'select count(*) as n from workerTasks', ...d])).rows).toEqual([{ n: 1 }])

      // Nothing can run it while `wait` would hold the data dir: refused, with what to do.
      const waited = await cli(['wait', task.id, ...d])
      expect(waited.code).toBe(1)
      expect(waited.stderr).toMatch(/is pending and no host is running on .* start one/)
      await cliJson(['cancel', task.id, ...d])
      const done = await cli(['wait', task.id, '--json', ...d])
      expect(done.code).toBe(1)
      expect(JSON.parse(done.stdout)).toMatchObject({ status: 'cancelled' })
      expect(JSON.parse(done.stderr).error).toMatchObject({ _tag: 'TaskNotCompleted', status: 'cancelled' })

      const follower = spawnCli(['activity', '--follow', ...d])
      await follower.line((l) => l.includes('cancelled'))
      expect(await follower.interrupt()).toEqual({ code: 0, signal: null })
      // The follower released the data dir.
      expect((await cli(['list', ...d])).code).toBe(0)
    },
    TIMEOUT,
  )
})
