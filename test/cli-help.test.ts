import { execFile } from 'node:child_process'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { wrapText } from '../src/cli/wrap.js'
import { cli, ROOT } from './helpers/cli.js'

const TIMEOUT = 60_000
const longest = (text: string) => Math.max(...text.split('\n').map((line) => line.length))
const words = (text: string) => text.split(/\s+/).filter(Boolean)

/** `livequeue --help` as @effect/cli renders it at run time (not the text the build wrote). */
const renderedHelp = (): Promise<string> =>
  new Promise((resolve, reject) => {
    const main = JSON.stringify(path.join(ROOT, 'dist/src/cli/main.js'))
    execFile(
      process.execPath,
      ['--input-type=module', '-e', `import { main } from ${main}; main(['node', 'livequeue', '--help'])`],
      { cwd: ROOT },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    )
  })

describe('help text', () => {
  it.each([
    [80, '  - schedule set [--data-dir DIR] [--json] [--server URL] [--token TOKEN] [--cron text] [--every DURATION]      Create or replace a recurring task.'],
    [40, '$ list [--data-dir DIR] [--json] [--server URL] [--token TOKEN] [--status pending | processing]'],
    [80, 'short line, kept as it is'],
  ])('wraps to %i columns without losing or splitting a word', (width, line) => {
    const wrapped = wrapText(line, width)
    expect(longest(wrapped)).toBeLessThanOrEqual(width)
    expect(words(wrapped)).toEqual(words(line))
  })

  it('puts a table row’s description under its usage, and ignores styling when it measures', () => {
    const bold = (s: string) => `${String.fromCharCode(27)}[1m${s}${String.fromCharCode(27)}[0m`
    const row = `  - ${bold('stats')} [--data-dir DIR] [--json]${' '.repeat(120)}Counts by status.`
    expect(wrapText(row, 80).split('\n')).toEqual([`  - ${bold('stats')} [--data-dir DIR] [--json]`, '      Counts by status.'])
  })

  it(
    '`livequeue --help` (the text the build rendered) is what the CLI renders, wrapped to 80 columns off a terminal',
    async () => {
      const [fast, slow, sub] = await Promise.all([cli(['--help']), renderedHelp(), cli(['schedule', 'set', '--help'])])
      expect(fast.code).toBe(0)
      expect(fast.stdout).toBe(slow)
      expect(fast.stdout).toMatch(/schedule set/)
      expect(longest(fast.stdout)).toBeLessThanOrEqual(80)
      expect(sub.code).toBe(0)
      expect(sub.stdout).toMatch(/--catch-up/)
      expect(longest(sub.stdout)).toBeLessThanOrEqual(80)
    },
    TIMEOUT,
  )
})
