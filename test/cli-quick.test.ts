import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { RemoteQueue } from '../src/client/RemoteQueue.js'
import { FIXTURES } from './helpers/child.js'
import { cli, removeTempDataDirs, tempDataDir } from './helpers/cli.js'
import { startServe } from './helpers/host.js'

/**
 * Issue 16's quick CLI: a plain `list`, `show`, `cancel`, … through a running host loads neither
 * LiveStore nor @effect/cli (the quick path, src/cli/quick/main.ts); anything it cannot judge
 * goes to @effect/cli, which prints the usage error. Each command here is a real `livequeue`
 * child process against a real host, run with a module hook that lists what it loads.
 */

const TRACE = path.join(FIXTURES, 'trace-modules.mjs')

afterAll(removeTempDataDirs)

/** Runs the CLI and answers its result with the URLs of the modules it loaded. */
const traced = async (args: string[]) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'livequeue-trace-')), 'modules.txt')
  const result = await cli(args, { NODE_OPTIONS: `--import ${TRACE}`, LIVEQUEUE_TRACE_MODULES: file })
  const urls = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []
  fs.rmSync(path.dirname(file), { recursive: true, force: true })
  return {
    ...result,
    urls,
    livestore: urls.filter((url) => url.includes('/@livestore/')),
    effectCli: urls.filter((url) => url.includes('/@effect/cli/')),
    quick: urls.some((url) => url.endsWith('/dist/src/cli/quick/main.js')),
  }
}

it('commands through a host load neither LiveStore nor @effect/cli, and print as before', async () => {
  const dir = tempDataDir()
  const d = ['--data-dir', dir]
  const host = await startServe(dir, ['--quiet'])
  const remote = new RemoteQueue({ url: host.url })
  try {
    const task = await remote.enqueue({ type: 'email', payload: { to: 'x' }, queue: 'mail' })

    // Found through the data dir's lock file, as a user's `livequeue list` finds it.
    const list = await traced(['list', ...d, '--json'])
    expect(list.code, list.stderr).toBe(0)
    expect(JSON.parse(list.stdout)).toEqual({ items: [task], nextCursor: null })
    expect(list.quick).toBe(true)
    expect(list.livestore).toEqual([])
    expect(list.effectCli).toEqual([])

    const show = await traced(['show', task.id, '--server', host.url])
    expect(show.code, show.stderr).toBe(0)
    expect(show.stdout).toMatch(new RegExp(`^id:\\s+${task.id}\\n`))
    expect(show.stdout).toMatch(/Recent activity:\n\s*AT\s+KIND\s+SUMMARY\n.+queued email/)
    expect([...show.livestore, ...show.effectCli]).toEqual([])

    const cancel = await traced(['cancel', task.id, ...d])
    expect(cancel.code, cancel.stderr).toBe(0)
    expect(cancel.stdout).toBe(`cancelled ${task.id}\n`)
    expect((await remote.get(task.id)).status).toBe('cancelled')
    expect([...cancel.livestore, ...cancel.effectCli]).toEqual([])

    const activity = await traced(['activity', ...d, '--json', '--limit', '1'])
    expect(activity.code, activity.stderr).toBe(0)
    expect(JSON.parse(activity.stdout)).toMatchObject([{ taskId: task.id }])
    const logs = await traced(['logs', task.id, ...d])
    expect(logs.code, logs.stderr).toBe(0)
    expect(logs.stdout).toBe('no logs kept\n')
    expect([...activity.livestore, ...activity.effectCli, ...logs.livestore, ...logs.effectCli]).toEqual([])

    // wait prints the task, then reports that it did not complete: exit 1.
    const wait = await traced(['wait', task.id, ...d, '--json'])
    expect(wait.code).toBe(1)
    expect(JSON.parse(wait.stdout)).toMatchObject({ id: task.id, status: 'cancelled' })
    expect(JSON.parse(wait.stderr).error).toMatchObject({ _tag: 'TaskNotCompleted', status: 'cancelled' })
    expect([...wait.livestore, ...wait.effectCli]).toEqual([])

    const pause = await traced(['pause', 'mail', ...d])
    expect(pause.code, pause.stderr).toBe(0)
    expect(pause.stdout).toBe('paused queue mail: no new claims until `livequeue resume mail`\n')
    expect((await remote.stats()).byQueue.mail).toMatchObject({ paused: true })
    expect([...pause.livestore, ...pause.effectCli]).toEqual([])

    // A refusal by the queue: printed and exit 1, as through @effect/cli.
    const missing = await traced(['show', 'nope', ...d, '--json'])
    expect(missing.code).toBe(1)
    expect(missing.stdout).toBe('')
    expect(JSON.parse(missing.stderr)).toEqual({
      error: { _tag: 'TaskNotFound', taskId: 'nope', message: 'no task with id nope (check the id with `livequeue list`)' },
    })
    expect([...missing.livestore, ...missing.effectCli]).toEqual([])

    // A usage error is @effect/cli's to print: the quick path hands it over (still no LiveStore).
    const usage = await traced(['list', '--limit', '0', ...d])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toBe('error: invalid --limit: "0" is not an integer 1–1000\nrun `livequeue list --help` for usage\n')
    expect(usage.effectCli.length).toBeGreaterThan(0)
    expect(usage.livestore).toEqual([])
  } finally {
    await remote.close()
    expect((await host.stop()).code, host.output()).toBe(0)
  }

  // The check can fail: without a host, the command opens the data dir and loads LiveStore.
  const local = await traced(['list', ...d, '--json'])
  expect(local.code, local.stderr).toBe(0)
  expect(JSON.parse(local.stdout).items).toHaveLength(1)
  expect(local.livestore.length).toBeGreaterThan(0)
}, 180_000)
