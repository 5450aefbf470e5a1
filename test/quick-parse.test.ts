import { Command } from '@effect/cli'
import * as NodeContext from '@effect/platform-node/NodeContext'
import * as Console from 'effect/Console'
import * as Effect from 'effect/Effect'
import * as Either from 'effect/Either'
import { describe, expect, it } from 'vitest'
import { queueCommandDefs } from '../src/cli/defs/index.js'
import { parseQuick } from '../src/cli/quick/parse.js'
import { effectConfig } from '../src/cli/spec/toEffect.js'
import type { CommandSpec } from '../src/cli/spec/types.js'
import { workerSpec } from '../src/cli/spec/worker.js'

/**
 * The quick path's reader (src/cli/quick/parse.ts) against @effect/cli's, on the same specs: a
 * command line the quick path reads gives exactly the values @effect/cli would hand the command;
 * one it leaves (`undefined`) goes to @effect/cli. Tables of the plain and the odd forms, then
 * random command lines built from each command's own flags.
 */

const silent = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Console.consoleWith((base) => Console.withConsole(self, { ...base, log: () => Effect.void, error: () => Effect.void }))

/** What @effect/cli gives the handler for `tokens`, or `not run` (a usage error or help). */
const effectParse = (spec: CommandSpec, tokens: ReadonlyArray<string>): Promise<{ values: Record<string, unknown> } | 'not run'> => {
  let values: Record<string, unknown> | undefined
  const command = Command.make(spec.name, effectConfig(spec.options, spec.args), (c) => Effect.sync(() => void (values = { ...c })))
  const cli = Command.run(Command.make('livequeue').pipe(Command.withSubcommands([command])), { name: 'livequeue', version: '0' })
  return Effect.runPromise(cli(['node', 'livequeue', spec.name, ...tokens]).pipe(silent, Effect.either, Effect.provide(NodeContext.layer))).then((result) =>
    Either.isRight(result) && values !== undefined ? { values } : 'not run',
  )
}

/** Every spec the quick path reads: the queue commands and `worker`. */
const specs: ReadonlyArray<CommandSpec> = [...[...queueCommandDefs.values()].map((found) => found.spec), workerSpec]

const def = (name: string) => {
  if (name === 'worker') return workerSpec
  const found = queueCommandDefs.get(name)
  if (found === undefined) throw new Error(`no def ${name}`)
  return found.spec
}

/** Values as @effect/cli's handler sees them: every key present, absent options undefined. */
const expectSame = async (spec: CommandSpec, tokens: string[]) => {
  const quick = parseQuick(spec, tokens)
  const full = await effectParse(spec, tokens)
  if (quick === undefined) return full
  expect(full, `${spec.name} ${tokens.join(' ')}`).not.toBe('not run')
  expect(quick, `${spec.name} ${tokens.join(' ')}`).toEqual((full as { values: unknown }).values)
  return full
}

describe('the quick path reads a command line as @effect/cli does', () => {
  it('reads the plain forms', async () => {
    const read: Array<[string, string[]]> = [
      ['list', []],
      ['list', ['--json']],
      ['list', ['--server', 'http://h:1', '--status', 'failed', '--limit', '7', '--archived']],
      ['list', ['--server=http://h:1', '--limit=1000', '--type', 'email', '--queue', 'q', '--tag', 't', '--cursor', 'c']],
      ['list', ['--data-dir', '/tmp/x', '--token', 'secret', '--json']],
      ['show', ['abc']],
      ['show', ['--json', 'abc']],
      ['show', ['abc', '--server', 'http://h:1']],
      ['cancel', ['abc', '--json']],
      ['retry', ['--token', 't', 'abc']],
      ['stats', ['--json']],
      ['runners', []],
      ['requeue-stuck', ['--json']],
      ['prune', ['--older-than', '7d']],
      ['prune', ['--older-than=2030-01-31T09:00:00Z', '--json']],
      ['query', ['select 1', '--json']],
      ['pause', ['mail']],
      ['resume', ['--json', 'a.b:c/d-e_f']],
      ['activity', ['--limit', '5', '--task', 'abc', '--queue', 'q', '--type', 't', '--since', '0']],
      ['logs', ['abc', '--after', '12', '--json']],
      ['wait', ['abc', '--timeout', '30s']],
      ['worker', ['--workers', './h.js']],
      ['worker', ['--server', 'http://h:1', '--workers=./h.js', '--token', 't', '--concurrency', '1000', '--queues', 'a, b,', '--quiet']],
      ['worker', ['--lease', '24h', '--heartbeat=5s', '--grace', '0', '--workers', 'h.mjs', '--server', '']],
    ]
    for (const [name, tokens] of read) {
      expect(parseQuick(def(name), tokens), `${name} ${tokens.join(' ')}`).toBeDefined()
      await expectSame(def(name), tokens)
    }
  })

  it('leaves every usage error, help and odd form to @effect/cli', async () => {
    const left: Array<[string, string[], 'not run' | 'runs']> = [
      ['list', ['--status', 'nope'], 'not run'],
      ['list', ['--limit', '0'], 'not run'],
      ['list', ['--limit', 'x'], 'not run'],
      ['list', ['extra'], 'not run'],
      ['list', ['--bogus'], 'not run'],
      ['list', ['--json', '--json'], 'not run'],
      ['list', ['--server', 'a', '--server', 'b'], 'not run'],
      ['list', ['-h'], 'not run'],
      ['list', ['--help'], 'not run'],
      ['list', ['--json', 'true'], 'runs'],
      ['list', ['--json', 'false'], 'runs'],
      ['list', ['--json=true'], 'runs'],
      ['list', ['--server', '--json'], 'runs'],
      ['list', ['--limit'], 'not run'],
      ['list', ['--server='], 'not run'],
      ['show', [], 'not run'],
      ['show', ['a', 'b'], 'not run'],
      ['show', ['--bogus', 'x'], 'not run'],
      ['show', ['-x'], 'not run'],
      ['show', ['--', 'x'], 'runs'],
      ['prune', [], 'not run'],
      ['prune', ['--older-than', 'soon'], 'not run'],
      ['prune', ['--older-than', '200000w'], 'not run'],
      ['query', [], 'not run'],
      ['pause', ['bad name'], 'not run'],
      ['pause', ['-mail'], 'not run'],
      ['resume', ['x'.repeat(129)], 'not run'],
      ['activity', ['-f'], 'runs'],
      ['logs', ['abc', '--after', '-1'], 'not run'],
      ['wait', ['abc', '--timeout', 'soon'], 'not run'],
      ['wait', ['abc', '--timeout', '101y'], 'not run'],
      ['worker', [], 'not run'],
      ['worker', ['--server', 'http://h:1'], 'not run'],
      ['worker', ['--workers', 'h.js', '--concurrency', '0'], 'not run'],
      ['worker', ['--workers', 'h.js', '--concurrency', '1001'], 'not run'],
      ['worker', ['--workers', 'h.js', '--lease', '25h'], 'not run'],
      ['worker', ['--workers', 'h.js', '--heartbeat', 'soon'], 'not run'],
      ['worker', ['--workers', 'h.js', 'extra'], 'not run'],
      ['worker', ['--workers', 'h.js', '--data-dir', 'd'], 'not run'],
      ['worker', ['--workers', 'h.js', '--quiet', 'yes'], 'runs'],
      ['worker', ['--workers', 'h.js', '--help'], 'not run'],
    ]
    for (const [name, tokens, full] of left) {
      expect(parseQuick(def(name), tokens), `${name} ${tokens.join(' ')}`).toBeUndefined()
      expect(await effectParse(def(name), tokens).then((r) => (r === 'not run' ? r : 'runs')), `${name} ${tokens.join(' ')}`).toBe(full)
    }
  })

  it('agrees on random command lines made of each command’s flags', async () => {
    // A fixed seed: the same lines on every run (a failure names its line).
    let seed = 16
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed % n
    }
    const words = ['abc', '', 'true', '5', '1001', '7d', '25h', 'failed', 'http://h:1', '-', '--', '-x', '--bogus', '--help', 'x=y']
    let readByBoth = 0
    for (const spec of specs) {
      const flags = Object.values(spec.options).flatMap((o) => [`--${o.name}`, `--${o.name}=`])
      for (let line = 0; line < 40; line++) {
        const tokens = Array.from({ length: random(6) }, () => {
          const pick = random(3) === 0 ? words : flags
          const word = pick[random(pick.length)] as string
          return word.endsWith('=') ? `${word}${words[random(words.length)]}` : word
        })
        if (parseQuick(spec, tokens) !== undefined) readByBoth++
        await expectSame(spec, tokens)
      }
    }
    // The check is not empty: some of the random lines are plain enough for the quick path.
    expect(readByBoth).toBeGreaterThan(20)
  })
})
