import { type ChildProcess, spawn } from 'node:child_process'
import * as os from 'node:os'
import * as path from 'node:path'
import * as readline from 'node:readline'

export const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures')

/** Starts `node <fixture> ...args`; collects stdout lines; resolves `ready` on the first "ready" line. */
export const startFixture = (fixture: string, args: string[]) => {
  // In a temp dir: LiveStore's file layer creates SQLite's temp files under random names in the
  // process's cwd and a killed process leaves them there (docs/design.md, fact 11).
  const child = spawn(process.execPath, [path.join(FIXTURES, fixture), ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: os.tmpdir() })
  const lines: string[] = []
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr += d
  })
  let gotLine: () => void = () => {}
  const firstLine = new Promise<void>((resolve) => {
    gotLine = resolve
  })
  const ready = new Promise<void>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') return resolve()
      lines.push(line)
      gotLine()
    })
    child.on('exit', (code) => reject(new Error(`${fixture} exited with ${code} before ready: ${stderr}`)))
  })
  /** `ready`: the fixture says it is set up; `firstLine`: it printed its first line of output. */
  return { child, lines, ready, firstLine, stderr: () => stderr }
}

export const exited = (child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode })
    else child.on('exit', (code, signal) => resolve({ code, signal }))
  })
