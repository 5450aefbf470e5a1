import { execFile } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { ROOT } from './helpers/cli.js'

type Packed = { entryCount: number; files: Array<{ path: string }> }

/** What `npm pack` would put in the tarball (no scripts run: the build is already there). */
const packed = (): Promise<Packed> =>
  new Promise((resolve, reject) => {
    execFile('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) =>
      error ? reject(error) : resolve((JSON.parse(stdout) as Packed[])[0] as Packed),
    )
  })

describe('the npm package', () => {
  it('ships what a user runs (library, client, schema, CLI, dashboard, example agents) and no tests, benchmarks or source maps', async () => {
    const paths = (await packed()).files.map((f) => f.path)
    for (const needed of [
      'bin/livequeue.js',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/clientEntry.js',
      'dist/src/clientEntry.d.ts',
      'dist/schema/index.js',
      'dist/src/cli/main.js',
      'dist/src/cli/help.txt',
      'dist/dashboard/index.html',
      'dist/workers/examples/index.js',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
    ]) {
      expect(paths, needed).toContain(needed)
    }
    expect(paths.filter((p) => /^dist\/(test|bench|examples)\//.test(p) || /^(test|bench|src|scripts)\//.test(p))).toEqual([])
    expect(paths.filter((p) => p.endsWith('.map'))).toEqual([])
  }, 120_000)
})
