import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { RemoteQueue } from '../src/client/RemoteQueue.js'
import { FIXTURES } from './helpers/child.js'
import { cli, cliJson, removeTempDataDirs, tempDataDir } from './helpers/cli.js'
import { startServe } from './helpers/host.js'

/**
 * `livequeue limit set|clear|list` as a user runs it: real CLI child processes, first on a data
 * dir (the store opened by the command), then through a real host found through the data dir's
 * lock file (`limit list` on the quick path, without @effect/cli or LiveStore).
 */

afterAll(removeTempDataDirs)

it('sets, lists and clears limits on a data dir; a bad command line exits 2 and changes nothing', async () => {
  const dir = tempDataDir()
  const d = ['--data-dir', dir]

  const set = await cli(['limit', 'set', 'llm.call', '--max', '5', '--per', '1m', ...d])
  expect(set.code, set.stderr).toBe(0)
  expect(set.stdout).toBe('rate limit on type llm.call: at most 5 / 1m (0 used in the last 1m)\n')
  const queueLimit = await cliJson(['limit', 'set', '--queue', 'openai', '--max', '500', '--per', '1h', ...d])
  expect(queueLimit).toMatchObject({ scope: 'queue', name: 'openai', max: 500, perMs: 3_600_000, used: 0, pausedUntil: null, nextClaimAt: null })

  const list = await cli(['limit', 'list', ...d])
  expect(list.code, list.stderr).toBe(0)
  expect(list.stdout.split('\n')).toEqual([
    'SCOPE  NAME      MAX/PER   USED  PAUSED UNTIL  NEXT CLAIM',
    'type   llm.call  5 / 1m    0     -             -',
    'queue  openai    500 / 1h  0     -             -',
    '',
  ])
  const before = await cliJson(['limit', 'list', ...d])
  expect(before.map((l: { name: string }) => l.name)).toEqual(['llm.call', 'openai'])

  // Refused on the command line (exit 2, what to fix on stderr, nothing on stdout), and nothing changed.
  const refusals: Array<[string[], string]> = [
    [['limit', 'set', 'llm.call', '--max', '0', '--per', '1m'], 'invalid --max: "0" is not an integer 1–1000000'],
    [['limit', 'set', 'llm.call', '--max', '5', '--per', '31d'], 'invalid --per: "31d" is 2678400000 ms, over the 2592000000-ms cap (30 days)'],
    [['limit', 'set', 'llm.call', '--max', '5', '--per', 'soon'], 'invalid --per'],
    [['limit', 'set', '--max', '5', '--per', '1m'], 'give exactly one of TYPE or --queue NAME'],
    [['limit', 'set', 'llm.call', '--queue', 'openai', '--max', '5', '--per', '1m'], 'give exactly one of TYPE or --queue NAME'],
    [['limit', 'set', 'llm.call', '--per', '1m'], '--max'],
    [['limit', 'clear'], 'give exactly one of TYPE or --queue NAME'],
    [['limit', 'clear', 'bad name!'], '<type>'],
  ]
  for (const [args, message] of refusals) {
    const r = await cli([...args, ...d])
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(message)
  }
  // The window is refused by the library too (a whole ms from 1): exit 1 with its ValidationError.
  const zeroWindow = await cli(['limit', 'set', 'llm.call', '--max', '5', '--per', '0', '--json', ...d])
  expect(zeroWindow.code).toBe(1)
  expect(JSON.parse(zeroWindow.stderr).error).toMatchObject({ _tag: 'ValidationError', field: 'perMs' })
  expect(await cliJson(['limit', 'list', ...d])).toEqual(before)

  const cleared = await cli(['limit', 'clear', 'llm.call', ...d])
  expect(cleared.code, cleared.stderr).toBe(0)
  expect(cleared.stdout).toBe('cleared the rate limit and any pause on type llm.call\n')
  expect(await cliJson(['limit', 'clear', '--queue', 'openai', ...d])).toEqual({ scope: 'queue', name: 'openai', cleared: true })
  const empty = await cli(['limit', 'list', ...d])
  expect(empty.stdout).toBe('no rate limits\n')
  expect(await cliJson(['limit', 'list', ...d])).toEqual([])
}, 180_000)

const TRACE = path.join(FIXTURES, 'trace-modules.mjs')

/** Runs the CLI and says whether it loaded @effect/cli or LiveStore (as test/cli-quick.test.ts does). */
const traced = async (args: string[]) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'livequeue-trace-')), 'modules.txt')
  const result = await cli(args, { NODE_OPTIONS: `--import ${TRACE}`, LIVEQUEUE_TRACE_MODULES: file })
  const urls = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []
  fs.rmSync(path.dirname(file), { recursive: true, force: true })
  return { ...result, heavy: urls.filter((url) => url.includes('/@livestore/') || url.includes('/@effect/cli/')) }
}

it('through a running host: set and clear persist in the host, a handler pause shows in the list, a refusal changes nothing', async () => {
  const dir = tempDataDir()
  const d = ['--data-dir', dir]
  const host = await startServe(dir, ['--quiet'])
  const remote = new RemoteQueue({ url: host.url })
  const post = async (route: string, body: unknown) => {
    const response = await fetch(`${host.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    expect(response.status, route).toBe(200)
    return (await response.json()) as any
  }
  try {
    const set = await cli(['limit', 'set', 'llm', '--max', '2', '--per', '10m', ...d])
    expect(set.code, set.stderr).toBe(0)
    expect(await remote.limits.get('llm')).toMatchObject({ max: 2, perMs: 600_000, used: 0 })
    const viaServer = await cli(['limit', 'set', '--queue', 'openai', '--max', '9', '--per', '1s', '--server', host.url])
    expect(viaServer.code, viaServer.stderr).toBe(0)
    expect(await remote.limits.get({ queue: 'openai' })).toMatchObject({ max: 9, perMs: 1_000 })

    // One claim uses the window; a handler's ctx.rateLimited (the fail route's rateLimitedMs) pauses the type.
    await remote.enqueue({ type: 'llm', payload: 1 })
    const { claims } = await post('/api/claims', { runnerId: 'r1', types: ['llm'] })
    expect(claims).toHaveLength(1)
    await post(`/api/executions/${claims[0].executionId}/fail`, { runnerId: 'r1', error: { message: '429' }, rateLimitedMs: 3_600_000 })

    const list = await traced(['limit', 'list', ...d])
    expect(list.code, list.stderr).toBe(0)
    expect(list.heavy).toEqual([])
    const [header, llm, openai] = list.stdout.split('\n')
    expect(header).toMatch(/^SCOPE {2}NAME {4}MAX\/PER {3}USED {2}PAUSED UNTIL +NEXT CLAIM$/)
    expect(llm).toMatch(/^type {3}llm {5}2 \/ 10m {3}1 {5}\d{4}-\d\d-\d\dT\S+Z \(in (59m \d+s|1h)\) {2}\d{4}-\d\d-\d\dT\S+Z \(in (59m \d+s|1h)\)$/)
    expect(openai).toMatch(/^queue {2}openai {2}9 \/ 1\.0s {2}0 {5}- +-$/)
    const json = await traced(['limit', 'list', '--json', '--server', host.url])
    expect(json.heavy).toEqual([])
    const [paused] = JSON.parse(json.stdout)
    expect(paused).toMatchObject({ scope: 'type', name: 'llm', max: 2, used: 1 })
    expect(paused.pausedUntil).toBeGreaterThan(Date.now() + 3_000_000)
    expect(paused.nextClaimAt).toBe(paused.pausedUntil)

    // What the quick path cannot judge goes to @effect/cli, which prints the usage error.
    const unknown = await cli(['limit', 'list', '--bogus', ...d])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('--bogus')
    // A refused --max through the host: exit 2, and the host's limit is as it was.
    const refused = await cli(['limit', 'set', 'llm', '--max', '0', '--per', '1m', ...d])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('invalid --max: "0"')
    expect(await remote.limits.get('llm')).toEqual(paused)

    // clear lifts the limit and the pause.
    const cleared = await cli(['limit', 'clear', 'llm', ...d])
    expect(cleared.code, cleared.stderr).toBe(0)
    expect(await remote.limits.list()).toMatchObject([{ scope: 'queue', name: 'openai' }])
    const activity = await remote.activity({ kind: 'rate-limit-cleared' })
    expect(activity.map((e) => e.kind)).toEqual(['rate-limit-cleared'])
  } finally {
    await remote.close()
    expect((await host.stop()).code, host.output()).toBe(0)
  }
}, 180_000)
