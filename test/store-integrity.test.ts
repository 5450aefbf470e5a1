import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { storeFiles } from '../src/store/storeFiles.js'
import { type CliResult, cli, cliJson, ROOT, removeTempDataDirs, runNode, tempDataDir } from './helpers/cli.js'
import { startServe } from './helpers/host.js'

/**
 * Issue 17 item 5: a damaged store is refused at start-up with a typed error naming the file
 * and the recovery, before LiveStore touches it; a missing state DB is rebuilt from the log;
 * the data dir is private; a host whose data dir is removed still stops on SIGTERM. Real
 * stores, the real CLI and `serve` as child processes.
 */

const TIMEOUT = 180_000

afterAll(removeTempDataDirs)

/** 70 tasks in 7 events (enqueueMany of 10), written and closed by another process: a stopped host's store. */
const seed70 = async (dir: string): Promise<void> => {
  const seeded = await runNode(`
    import { openQueue } from ${JSON.stringify(path.join(ROOT, 'dist/src/index.js'))}
    const queue = await openQueue({ dataDir: ${JSON.stringify(dir)} })
    for (let b = 0; b < 7; b++) await queue.enqueueMany(Array.from({ length: 10 }, (_, i) => ({ type: 'x', payload: { n: b * 10 + i } })))
    await queue.close()
  `)
  expect(seeded.code, seeded.stderr).toBe(0)
}

const files = (dir: string) => storeFiles(dir, 'livequeue')

/** Every file under `dir` with its size and content hash: equal snapshots mean nothing changed. */
const snapshot = (dir: string): Record<string, string> => {
  const out: Record<string, string> = {}
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name)
      if (entry.isDirectory()) walk(full)
      else out[path.relative(dir, full)] = `${fs.statSync(full).size}:${createHash('sha256').update(fs.readFileSync(full)).digest('hex')}`
    }
  }
  walk(dir)
  return out
}

/** Refused: exit 1, one `error:` message (no stack), the typed error's words. */
const expectCorrupt = (result: CliResult, ...mentions: string[]) => {
  expect(result.code, result.stdout).toBe(1)
  expect(result.stderr).toMatch(/^error: the store in .* is damaged, so it was not opened \(nothing was changed\)/)
  expect(result.stderr).toContain('To recover: stop every livequeue process using')
  expect(result.stderr).not.toMatch(/\n\s+at /)
  for (const m of mentions) expect(result.stderr).toContain(m)
}

describe('start-up integrity check', () => {
  it(
    'an emptied event log under 70 tasks: serve and the CLI refuse, naming the log and the recovery, and change nothing',
    async () => {
      const dir = tempDataDir()
      await seed70(dir)
      fs.truncateSync(files(dir).eventlog, 0)
      const before = snapshot(dir)

      const serve = await cli(['serve', '--port', '0', '--data-dir', dir])
      expectCorrupt(serve, files(dir).eventlog, files(dir).state, 'is empty (0 bytes)', 'restore', 'from a backup that holds event 7')
      const list = await cli(['list', '--data-dir', dir, '--json'])
      expect(list.code).toBe(1)
      const error = JSON.parse(list.stderr).error
      expect(error).toMatchObject({ _tag: 'StoreCorrupt', dataDir: dir, files: [files(dir).eventlog, files(dir).state] })
      expect(error.recovery).toContain(`delete ${files(dir).state}`)

      expect(snapshot(dir)).toEqual(before)
    },
    TIMEOUT,
  )

  it(
    'garbage bytes in the state DB or the event log, a log cut short, a stale state DB: each refused naming the file',
    async () => {
      const dir = tempDataDir()
      await seed70(dir)
      const { eventlog, state } = files(dir)
      const good = { log: fs.readFileSync(eventlog), state: fs.readFileSync(state) }
      const garbage = Buffer.alloc(20_000, 0xa5)

      fs.writeFileSync(state, garbage)
      const badState = await cli(['stats', '--data-dir', dir])
      expectCorrupt(
        badState,
        `the state database ${state} is damaged: it is not a SQLite database`,
        `delete ${state} (only that file)`,
        'rebuilds it from the event log',
      )
      fs.writeFileSync(state, good.state)

      fs.writeFileSync(eventlog, garbage)
      expectCorrupt(await cli(['stats', '--data-dir', dir]), `the event log ${eventlog} is damaged: it is not a SQLite database`, 'cannot be rebuilt')

      // Cut at a page boundary (8 KiB pages): only the header's page count shows it.
      fs.writeFileSync(eventlog, good.log.subarray(0, 8192 * 2))
      expectCorrupt(await cli(['stats', '--data-dir', dir]), `the event log ${eventlog} is damaged`, 'truncated')
      fs.writeFileSync(eventlog, good.log)

      // A state DB from an older backup: the log holds events it never saw.
      const oldState = Buffer.from(good.state)
      const more = await runNode(`
        import { openQueue } from ${JSON.stringify(path.join(ROOT, 'dist/src/index.js'))}
        const queue = await openQueue({ dataDir: ${JSON.stringify(dir)} })
        await queue.enqueue({ type: 'x' })
        await queue.close()
      `)
      expect(more.code, more.stderr).toBe(0)
      fs.writeFileSync(state, oldState)
      expectCorrupt(await cli(['stats', '--data-dir', dir]), 'the state database is stale', `delete ${state}`)
    },
    TIMEOUT,
  )

  it(
    'a deleted state DB with the log intact: serve rebuilds it and shows all 70 tasks',
    async () => {
      const dir = tempDataDir()
      await seed70(dir)
      fs.rmSync(files(dir).state)
      const host = await startServe(dir)
      try {
        const stats = await cliJson<{ byStatus: { pending: number } }>(['stats', '--data-dir', dir])
        expect(stats.byStatus.pending).toBe(70)
      } finally {
        expect((await host.stop()).code).toBe(0)
      }
      expect(fs.existsSync(files(dir).state)).toBe(true)
    },
    TIMEOUT,
  )

  it(
    'a new data dir is created 0700 with its files 0600; an old 0755/0644 one is narrowed',
    async () => {
      const fresh = path.join(tempDataDir(), 'fresh')
      expect((await cli(['enqueue', 'x', '--data-dir', fresh])).code).toBe(0)
      const modes = (dir: string) => {
        const out: Record<string, string> = { '.': (fs.statSync(dir).mode & 0o777).toString(8) }
        for (const entry of fs.readdirSync(dir, { recursive: true }) as string[]) out[entry] = (fs.statSync(path.join(dir, entry)).mode & 0o777).toString(8)
        return out
      }
      const expectPrivate = (dir: string) => {
        const found = modes(dir)
        expect(Object.keys(found)).toEqual(expect.arrayContaining(['.', 'livequeue', path.join('livequeue', 'eventlog@6.db')]))
        for (const [name, mode] of Object.entries(found)) expect([name, mode]).toEqual([name, fs.statSync(path.join(dir, name)).isDirectory() ? '700' : '600'])
      }
      expectPrivate(fresh)

      // A store made before this change: world-readable files in a 0755 dir.
      for (const [name, mode] of Object.entries(modes(fresh))) fs.chmodSync(path.join(fresh, name), mode === '700' ? 0o755 : 0o644)
      expect((await cli(['stats', '--data-dir', fresh])).code).toBe(0)
      expectPrivate(fresh)
    },
    TIMEOUT,
  )

  it(
    'a host whose data dir is removed under it exits on SIGTERM, 1, saying the dir was removed',
    async () => {
      const dir = tempDataDir()
      const host = await startServe(dir)
      const enqueued = await cli(['enqueue', 'x', '--data-dir', dir])
      expect(enqueued.code, enqueued.stderr).toBe(0)
      fs.rmSync(dir, { recursive: true, force: true })
      const started = Date.now()
      const exit = await host.stop()
      // Bounded by the store close's 15 s (src/host/boundedClose.ts) plus the server's and workers' stops.
      expect(Date.now() - started).toBeLessThan(30_000)
      expect(exit).toEqual({ code: 1, signal: null })
      expect(host.output()).toContain(`stopping failed: the data dir ${dir} was removed (or replaced) while the host ran`)
    },
    TIMEOUT,
  )
})

describe("a crash between LiveStore's two commits", () => {
  it('a state database one batch ahead of the event log is rebuilt from the log and the journal, losing nothing', async () => {
    const { openQueue } = await import('../src/taskQueue/openQueue.js')
    const dataDir = tempDataDir()
    const files = storeFiles(dataDir, 'livequeue')
    const first = await openQueue({ dataDir })
    const a = await first.enqueue({ type: 'crash-window', payload: { n: 1 } })
    await first.close()
    const logBefore = fs.readFileSync(files.eventlog)
    const second = await openQueue({ dataDir })
    const b = await second.enqueue({ type: 'crash-window', payload: { n: 2 } })
    await second.close()
    // What a kill -9 between the state's COMMIT and the log's leaves: the log one batch short.
    fs.writeFileSync(files.eventlog, logBefore)
    const reopened = await openQueue({ dataDir })
    try {
      expect((await reopened.get(a.id)).payload).toEqual({ n: 1 })
      expect((await reopened.get(b.id)).payload).toEqual({ n: 2 })
      expect(fs.readdirSync(files.dir).some((f) => f.includes('.ahead-of-log-'))).toBe(true)
    } finally {
      await reopened.close()
    }
  })
})
