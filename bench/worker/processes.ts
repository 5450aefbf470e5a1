import { type ChildProcess, spawn } from 'node:child_process'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project root, from dist/bench/worker (built) where the bench runs. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

/** Both sides of the remote measures run this many worker processes. */
export const REMOTE_WORKERS = 2

/**
 * Starts the remote worker processes, `concurrency` slots split between them; `args(slots)` is
 * each one's command line after `node`.
 */
export const spawnWorkers = (concurrency: number, args: (slots: string) => string[]): ChildProcess[] => {
  const slots = String(Math.max(1, Math.ceil(concurrency / REMOTE_WORKERS)))
  return Array.from({ length: REMOTE_WORKERS }, () => spawn(process.execPath, args(slots), { stdio: 'ignore' }))
}

/** SIGTERM to each (a graceful stop), resolved once all have exited. */
export const stopWorkers = async (children: ChildProcess[]): Promise<void> => {
  await Promise.all(
    children.splice(0).map((c) => {
      const exited = new Promise((resolve) => c.once('exit', resolve))
      c.kill('SIGTERM')
      return exited
    }),
  )
}
