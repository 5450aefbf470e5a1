import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type CliResult, cli, cliJson, ROOT, removeTempDataDirs, runNode, tempDataDir } from './helpers/cli.js'

/**
 * The real CLI (bin/livequeue.js on the built dist/), one child process per command, each test
 * on its own fresh data dir. Every command opens the store, runs and closes it; a later process
 * seeing a write proves it was persisted before the writer exited.
 */

const TIMEOUT = 180_000

/** A refused command: its exit code, a message on stderr, nothing on stdout, no stack trace. */
const expectRefused = (result: CliResult, code: 1 | 2, message: RegExp) => {
  expect(result.stderr).toMatch(message)
  expect(result.code, result.stderr).toBe(code)
  expect(result.stdout).toBe('')
  expect(result.stderr).not.toMatch(/^\s+at /m)
}

/** What a reader sees: the task list and the counts (minus the age of the oldest task and the types no worker handles yet, which move with time). */
const snapshot = async (dir: string) => {
  const list = await cliJson(['list', '--data-dir', dir, '--limit', '1000'])
  const { oldestPendingAgeMs: _age, unhandledTypes: _unhandled, ...stats } = await cliJson(['stats', '--data-dir', dir])
  return { list, stats }
}

describe.concurrent('livequeue CLI', () => {
  afterAll(removeTempDataDirs)

  it(
    'enqueue (human and --json) persists tasks that list, show and stats then see',
    async () => {
      const dir = tempDataDir()
      const d = ['--data-dir', dir]

      const first = await cli(['enqueue', 'email', '--payload', '{"to":"a@b.c"}', '--priority', 'high', '--tag', 'welcome', '--queue', 'mail', ...d])
      expect(first.code, first.stderr).toBe(0)
      const id = /^enqueued (\S+)$/m.exec(first.stdout)?.[1] as string
      expect(id).toMatch(/^[0-9a-f-]{36}$/)
      expect(first.stdout).toMatch(/priority:\s+7/)

      const second = await cliJson([
        'enqueue',
        'report',
        ...d,
        '--delay',
        '5m',
        '--max-attempts',
        '5',
        '--key',
        'k1',
        '--timeout',
        '30s',
        '--backoff',
        'linear',
        '--depends-on',
        id,
        '--payload',
        '[1,2]',
      ])
      expect(second).toMatchObject({
        type: 'report',
        queue: 'default',
        status: 'pending',
        priority: 5,
        payload: [1, 2],
        maxAttempts: 5,
        idempotencyKey: 'k1',
        timeoutMs: 30_000,
        dependsOn: [id],
        blockedBy: 1,
        backoff: { strategy: 'linear' },
      })
      expect(second.processAfter - second.createdAt).toBe(300_000)

      const page = await cliJson(['list', ...d, '--queue', 'mail', '--tag', 'welcome', '--status', 'pending'])
      expect(page.nextCursor).toBeNull()
      expect(page.items.map((t: { id: string }) => t.id)).toEqual([id])

      const table = await cli(['list', ...d, '--limit', '1'])
      expect(table.code, table.stderr).toBe(0)
      expect(table.stdout).toMatch(/^ID\s+TYPE\s+QUEUE\s+STATUS/)
      expect(table.stdout).toContain(second.id)
      expect(table.stdout).toMatch(/^more: --cursor \S+$/m)

      const shown = await cliJson(['show', id, ...d])
      expect(shown).toMatchObject({ id, type: 'email', queue: 'mail', payload: { to: 'a@b.c' }, tags: ['welcome'], executions: [] })
      const detail = await cli(['show', id, ...d])
      expect(detail.code, detail.stderr).toBe(0)
      expect(detail.stdout).toContain(`id:`)
      expect(detail.stdout).toContain(id)
      expect(detail.stdout).toMatch(/Executions: none yet/)
      expect(detail.stdout).toMatch(/Recent activity:\n\s*AT\s+KIND\s+SUMMARY\n.+/)

      const stats = await cliJson(['stats', ...d])
      expect(stats.byStatus).toMatchObject({ pending: 2, processing: 0 })
      expect(stats.byQueue.mail).toMatchObject({ pending: 1, paused: false })
      expect(stats.byType).toHaveProperty('report')
      const statsTable = await cli(['stats', ...d])
      expect(statsTable.stdout).toMatch(/^tasks: 2 \(2 pending/m)
      expect(statsTable.stdout).toMatch(/^mail\s+no\s+1/m)
      expect(statsTable.stdout).toMatch(/^TYPE\s+PENDING/m)
    },
    TIMEOUT,
  )

  it(
    'cancel, retry, pause, resume and prune',
    async () => {
      const dir = tempDataDir()
      const d = ['--data-dir', dir]
      const { id } = await cliJson(['enqueue', 'job', ...d, '--queue', 'jobs'])

      expect(await cliJson(['cancel', id, ...d])).toMatchObject({ id, status: 'cancelled' })
      expect(await cliJson(['retry', id, ...d])).toMatchObject({ id, status: 'pending' })
      const cancelled = await cli(['cancel', id, ...d])
      expect(cancelled.code, cancelled.stderr).toBe(0)
      expect(cancelled.stdout).toBe(`cancelled ${id}\n`)

      expect(await cliJson(['pause', 'jobs', ...d])).toEqual({ queue: 'jobs', paused: true })
      const resumed = await cli(['resume', 'jobs', ...d])
      expect(resumed.code, resumed.stderr).toBe(0)
      expect(resumed.stdout).toBe('resumed queue jobs\n')

      const pruned = await cliJson(['prune', '--older-than', '0s', ...d])
      expect(pruned.pruned).toBe(1)
      const after = await cliJson(['stats', ...d])
      expect(after.byStatus).toEqual({ pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 })
      expect(after.byQueue.jobs).toMatchObject({ paused: false })
    },
    TIMEOUT,
  )

  it(
    'requeue-stuck, runners, and retry of a dead-lettered task',
    async () => {
      const dir = tempDataDir()
      // Seed through the library: a runner, a task whose lease has passed, a task that failed for good.
      const seeded = await runNode(`
        import { openQueue } from ${JSON.stringify(path.join(ROOT, 'dist/src/index.js'))}
        import { events } from ${JSON.stringify(path.join(ROOT, 'dist/events/index.js'))}
        const queue = await openQueue({ dataDir: ${JSON.stringify(dir)} })
        await queue.owned.group.submit([events.runnerStarted({ runnerId: 'runner-1', host: 'box', pid: 4242, types: ['slow', 'flaky'], concurrency: 2, at: Date.now() })])
        const stuck = await queue.enqueue({ type: 'slow' })
        const failed = await queue.enqueue({ type: 'flaky', maxAttempts: 1 })
        await queue.claim({ runnerId: 'runner-1', types: ['slow'], leaseMs: 1 })
        const [claim] = await queue.claim({ runnerId: 'runner-1', types: ['flaky'] })
        await queue.fail(claim.executionId, new Error('boom'))
        await queue.close()
        console.log(JSON.stringify({ stuck: stuck.id, failed: failed.id }))
      `)
      expect(seeded.code, seeded.stderr).toBe(0)
      const { stuck, failed } = JSON.parse(seeded.stdout) as { stuck: string; failed: string }
      const d = ['--data-dir', dir]

      const runners = await cliJson(['runners', ...d])
      expect(runners).toEqual([expect.objectContaining({ id: 'runner-1', host: 'box', pid: 4242, types: ['slow', 'flaky'], status: 'running' })])
      const runnersTable = await cli(['runners', ...d])
      expect(runnersTable.stdout).toMatch(/^ID\s+STATUS\s+HOST\s+PID/)
      expect(runnersTable.stdout).toMatch(/^runner-1\s+running\s+box\s+4242\s+2\s/m)

      const requeue = await cli(['requeue-stuck', ...d])
      expect(requeue.code, requeue.stderr).toBe(0)
      expect(requeue.stdout).toBe(`requeued 1 stuck task:\n${stuck}\n`)
      const requeued = await cliJson(['show', stuck, ...d])
      expect(requeued.status).toBe('pending')
      expect(requeued.executions).toEqual([expect.objectContaining({ status: 'expired', runnerId: 'runner-1' })])

      expect(await cliJson(['retry', failed, ...d])).toMatchObject({ id: failed, status: 'pending' })
    },
    TIMEOUT,
  )

  it(
    'refuses bad input with a clear message and a non-zero exit, and writes nothing',
    async () => {
      const dir = tempDataDir()
      const d = ['--data-dir', dir]
      const { id } = await cliJson(['enqueue', 'seed', ...d])
      const big = path.join(dir, 'big.json')
      fs.writeFileSync(big, JSON.stringify({ blob: 'x'.repeat(1024 * 1024) }))
      const before = await snapshot(dir)

      // Usage errors (exit 2) are found before the store is opened, so these may run side by side.
      const usage: Array<[string[], RegExp]> = [
        [['enqueue', 't', '--priority', 'urgent'], /invalid --priority: priority must be critical, high, normal, low or an integer 0–100/],
        [['enqueue', 't', '--delay', '-5s'], /invalid --delay: "-5s" is not a duration/],
        [['enqueue', 't', '--payload', '{bad'], /invalid --payload: not valid JSON/],
        [['prune', '--older-than', 'soon'], /invalid --older-than: "soon" is neither a duration/],
        [['enqueue', 't', '--bogus'], /unknown argument: '--bogus'/],
        [['enqueue', '--bogus', 't'], /unknown option --bogus/],
        [['enqueue'], /Missing argument <type>/],
        [['enqueue', 't', '--payload', '1', '--payload-file', big], /either --payload or --payload-file/],
      ]
      const usageResults = await Promise.all(usage.map(([args]) => cli([...args, ...d])))
      usageResults.forEach((result, i) => {
        const [args, message] = usage[i] as [string[], RegExp]
        expectRefused(result, 2, message)
        expect(result.stderr, args.join(' ')).toMatch(/^error: /)
        expect(result.stderr).toMatch(/--help` for usage/)
      })

      // Refusals by the queue (exit 1) open the store: one at a time.
      const refused: Array<[string[], RegExp]> = [
        [['enqueue', 't', '--depends-on', 'nope'], /^error: invalid dependsOn: no task with id nope/],
        [['show', 'nope'], /^error: no task with id nope \(check the id with `livequeue list`\)/],
        [['cancel', 'nope'], /^error: no task with id nope/],
        [['retry', 'nope'], /^error: no task with id nope/],
        [['retry', id], new RegExp(`^error: cannot retry task ${id}: it is pending; retry applies to failed or cancelled tasks`)],
        [['enqueue', 't', '--payload-file', big], /^error: invalid payload: \d+ bytes of JSON is over the 1048576-byte cap/],
      ]
      for (const [args, message] of refused) expectRefused(await cli([...args, ...d]), 1, message)

      const json = await cli(['show', 'nope', ...d, '--json'])
      expectRefused(json, 1, /TaskNotFound/)
      expect(JSON.parse(json.stderr)).toEqual({ error: expect.objectContaining({ _tag: 'TaskNotFound', taskId: 'nope' }) })

      expect(await snapshot(dir)).toEqual(before)
    },
    TIMEOUT,
  )

  it(
    'a data dir owned by another live process is refused with StoreLocked naming its pid',
    async () => {
      const dir = tempDataDir()
      const owner = spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { openQueue } from ${JSON.stringify(path.join(ROOT, 'dist/src/index.js'))}
           const queue = await openQueue({ dataDir: ${JSON.stringify(dir)} })
           console.log('ready')
           process.on('SIGTERM', () => queue.close().then(() => process.exit(0)))
           setInterval(() => {}, 1000)`,
        ],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
      )
      try {
        await new Promise<void>((resolve, reject) => {
          owner.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve())
          owner.on('exit', (code) => reject(new Error(`owner exited with ${code}`)))
        })
        const [human, json] = await Promise.all([cli(['list', '--data-dir', dir]), cli(['enqueue', 't', '--data-dir', dir, '--json'])])
        expectRefused(human, 1, new RegExp(`^error: the data dir ${dir} is owned by process ${owner.pid}; stop it`))
        expectRefused(json, 1, /StoreLocked/)
        expect(JSON.parse(json.stderr).error).toMatchObject({ _tag: 'StoreLocked', pid: owner.pid, dataDir: dir })
      } finally {
        owner.kill('SIGTERM')
      }
    },
    TIMEOUT,
  )

  it(
    'help, unknown commands, and $LIVEQUEUE_DATA_DIR as the default data dir',
    async () => {
      const help = await cli(['--help'])
      expect(help.code).toBe(0)
      expect(help.stdout).toMatch(/requeue-stuck/)
      expect(help.stdout).not.toContain('\u001b[')
      expectRefused(await cli(['frobnicate']), 2, /^error: Invalid subcommand for livequeue - use one of 'enqueue'/)

      const dir = tempDataDir()
      const viaEnv = await cli(['enqueue', 'from-env', '--json'], { LIVEQUEUE_DATA_DIR: dir })
      expect(viaEnv.code, viaEnv.stderr).toBe(0)
      expect(JSON.parse(viaEnv.stdout)).toMatchObject({ type: 'from-env' })
      expect(fs.readdirSync(path.join(dir, 'livequeue')).some((f) => f.startsWith('eventlog'))).toBe(true)
    },
    TIMEOUT,
  )
})
