import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { StoreLocked } from '../errors.js'
import { PRIVATE_DIR, PRIVATE_FILE } from './permissions.js'

/**
 * LiveStore's Node file system layer takes no locks, and two processes writing one store
 * directory lose writes silently (docs/design.md, fact 2). The host holds this file for as long as it
 * owns the directory; it also says where the host listens, so the CLI can go through it.
 */
export type LockInfo = { pid: number; hostname: string; startedAt: number; url: string | null }

export const LOCK_FILE = 'livequeue.lock'

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export const readLock = (dataDir: string): LockInfo | null => {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')) as LockInfo
  } catch {
    return null
  }
}

/** The lock's owner if a live process holds it, else null (a missing or stale lock). */
export const liveOwner = (dataDir: string): LockInfo | null => {
  const info = readLock(dataDir)
  if (info === null) return null
  if (info.pid === process.pid) return info
  return info.hostname === os.hostname() && !isAlive(info.pid) ? null : info
}

export type Lock = { readonly file: string; setUrl(url: string | null): void; release(): void }

/** Takes the lock or throws `StoreLocked` naming the owner. A lock left by a dead process is taken over. */
export const acquireLock = (dataDir: string): Lock => {
  // Created private (src/store/permissions.ts); an existing dir is narrowed once the store checks out.
  fs.mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR })
  const file = path.join(dataDir, LOCK_FILE)
  const info: LockInfo = { pid: process.pid, hostname: os.hostname(), startedAt: Date.now(), url: null }
  for (let tries = 0; tries < 3; tries++) {
    try {
      fs.writeFileSync(file, JSON.stringify(info), { flag: 'wx', mode: PRIVATE_FILE })
      return makeLock(file, info)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = liveOwner(dataDir)
      if (owner !== null) throw new StoreLocked({ dataDir, pid: owner.pid, url: owner.url })
      // Stale: the owner died without releasing. Remove it and race for it once more.
      fs.rmSync(file, { force: true })
    }
  }
  const owner = readLock(dataDir)
  throw new StoreLocked({ dataDir, pid: owner?.pid ?? -1, url: owner?.url ?? null })
}

const makeLock = (file: string, info: LockInfo): Lock => {
  let held = true
  return {
    file,
    setUrl(url) {
      info.url = url
      if (!held) return
      try {
        fs.writeFileSync(file, JSON.stringify(info), { mode: PRIVATE_FILE })
      } catch (error) {
        // The data dir was removed under the host (rm -rf): the lock went with it, and a host
        // stopping must not fail here (it used to exit 1 before closing the store).
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      }
    },
    release() {
      if (!held) return
      held = false
      const current = (() => {
        try {
          return JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo
        } catch {
          return null
        }
      })()
      if (current?.pid === process.pid) fs.rmSync(file, { force: true })
    },
  }
}
