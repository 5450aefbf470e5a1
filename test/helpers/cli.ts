import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

/** Runs the built `livequeue` CLI (bin/livequeue.js → dist/) as a child process, as a user would. */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const BIN = path.join(ROOT, 'bin', 'livequeue.js')

export type CliResult = { code: number; stdout: string; stderr: string }

const tempDirs: string[] = []

/** A fresh, empty data dir under the OS temp dir; `removeTempDataDirs` deletes them all. */
export const tempDataDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livequeue-cli-'))
  tempDirs.push(dir)
  return dir
}

export const removeTempDataDirs = (): void => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
}

/** Runs `node bin/livequeue.js ...args` in the project root; never rejects on a non-zero exit. */
export const cli = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error)
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr })
      },
    )
  })

/** Runs a command with `--json` that must succeed, and parses its stdout (which must be one JSON document). */
export const cliJson = async <T = any>(args: ReadonlyArray<string>): Promise<T> => {
  const result = await cli([...args, '--json'])
  if (result.code !== 0) throw new Error(`livequeue ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
  return JSON.parse(result.stdout) as T
}

/** Runs an ES module snippet in its own node process (to seed a store through the library). */
export const runNode = (code: string): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error)
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr })
    })
  })
