import { afterAll, expect, it } from 'vitest'
import { type CliResult, cli, cliJson, removeTempDataDirs, tempDataDir } from './helpers/cli.js'
import { startServe } from './helpers/host.js'

/**
 * Output and exit codes do not depend on the transport: the same commands on the same data dir
 * print the same thing through its running host and, once the host has stopped, on the store
 * opened directly. Human output that shows relative times ("5s ago") is left out; it moves.
 */

afterAll(removeTempDataDirs)

it('a data dir gives the same output through its host and opened directly', async () => {
  const dir = tempDataDir()
  const d = ['--data-dir', dir]
  const host = await startServe(dir, ['--quiet'])
  const a = await cliJson(['enqueue', 'email', '--payload', '{"to":"x"}', '--tag', 't', '--queue', 'mail', ...d])
  await cliJson(['enqueue', 'report', '--depends-on', a.id, ...d])
  await cliJson(['cancel', a.id, ...d])
  await cliJson(['pause', 'mail', ...d])

  const sql = 'select type, status, blockedBy from workerTasks order by type'
  const commands: string[][] = [
    ['list', '--json'],
    ['show', a.id, '--json'],
    ['activity'],
    ['activity', '--json', '--limit', '2'],
    ['query', sql],
    ['query', sql, '--json'],
    ['wait', a.id, '--json'],
    ['show', 'nope', '--json'],
    ['cancel', a.id],
    ['enqueue', 'x', '--depends-on', 'missing'],
    ['query', 'drop table workerTasks', '--json'],
  ]
  const run = async () => {
    const results: Array<CliResult | { stats: unknown }> = []
    for (const command of commands) results.push(await cli([...command, ...d]))
    const { oldestPendingAgeMs: _age, unhandledTypes: _unhandled, ...stats } = await cliJson(['stats', ...d])
    results.push({ stats })
    return results
  }
  const through = await run()
  expect(await host.stop()).toEqual({ code: 0, signal: null })
  const direct = await run()
  expect(direct).toEqual(through)
  // And they did what they say: exit codes as documented.
  expect(through.slice(0, commands.length).map((r) => (r as CliResult).code)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
}, 300_000)
