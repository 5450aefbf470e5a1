import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

/** Runs `fn` with a fresh, empty temp dir and removes it afterwards. */
export const withTempDir = async <T>(fn: (dir: string) => Promise<T>): Promise<T> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livequeue-bench-'))
  try {
    return await fn(dir)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
