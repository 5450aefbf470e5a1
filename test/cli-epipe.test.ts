import { spawn } from 'node:child_process'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, removeTempDataDirs, runNode, tempDataDir } from './helpers/cli.js'

/**
 * `livequeue list | head -1`: the reader closes the pipe while the CLI is still writing. The
 * CLI must stop quietly with exit 0 (no unhandled EPIPE, no stack on stderr). The data dir holds
 * enough tasks that the output outgrows a pipe buffer, so the CLI is still writing when the
 * reader leaves; the parent closes its end of the pipe after the first chunk, as `head` does.
 * Even `activity --follow`'s 1,000 entries (≈ 400 KB with the long type name) outgrow the first
 * chunk (≤ 64 KiB) plus the pipe's buffer (64 KiB): with 600 short entries (≈ 110 KB) a late
 * first read could take so much that the CLI wrote everything, never met EPIPE, and kept following.
 */

const BIN = path.join(ROOT, 'bin', 'livequeue.js')

/** Runs the CLI with a stdout that is closed after its first chunk; resolves with the exit. */
const readFirstChunkThenClose = (args: ReadonlyArray<string>) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; firstChunk: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    let firstChunk = ''
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    child.stdout.once('data', (d: Buffer) => {
      firstChunk = d.toString()
      child.stdout.destroy()
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => resolve({ code, signal, stderr, firstChunk }))
  })

describe('livequeue CLI: stdout closed by the reader (EPIPE)', () => {
  let dir = ''
  beforeAll(async () => {
    dir = tempDataDir()
    const seeded = await runNode(`
      import { openQueue } from ${JSON.stringify(path.join(ROOT, 'dist/src/index.js'))}
      const queue = await openQueue({ dataDir: ${JSON.stringify(dir)} })
      await queue.enqueueMany(Array.from({ length: 1000 }, (_, i) => ({ type: 'job-${'x'.repeat(100)}', payload: { i, pad: 'x'.repeat(200) } })))
      await queue.close()
    `)
    expect(seeded.code, seeded.stderr).toBe(0)
  })
  afterAll(removeTempDataDirs)

  it.each([
    ['list', ['list', '--limit', '1000']],
    ['list --json', ['list', '--limit', '1000', '--json']],
    ['activity --follow --json', ['activity', '--follow', '--limit', '1000', '--json']],
  ])('%s exits 0 quietly', async (_name, args) => {
    const result = await readFirstChunkThenClose([...args, '--data-dir', dir])
    expect(result.firstChunk).not.toBe('')
    expect(result.stderr).toBe('')
    expect(result.signal).toBeNull()
    expect(result.code).toBe(0)
  })
})
