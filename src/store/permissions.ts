import * as fs from 'node:fs'
import * as path from 'node:path'

/**
 * Task payloads and results are in the store's files, and LiveStore creates them 0644 in a
 * 0755 directory (under the default umask 022): any local user could read them. The data dir
 * is made 0700 before anything is written into it, which alone keeps other users out; the
 * files are made 0600 as well, like tokens.json, so a copied or moved file stays private.
 */
export const PRIVATE_DIR = 0o700
export const PRIVATE_FILE = 0o600

/** Creates `dir` (and the store's subdirectory) 0700, or narrows it to 0700 when this user owns it. */
export const makePrivateDir = (dir: string, ...subdirs: ReadonlyArray<string>): void => {
  for (const d of [dir, ...subdirs.map((s) => path.join(dir, s))]) {
    fs.mkdirSync(d, { recursive: true, mode: PRIVATE_DIR })
    narrow(d, PRIVATE_DIR)
  }
}

/** Narrows every file in `dir` and in its direct subdirectories (the store's) to 0600. */
export const makeFilesPrivate = (dir: string): void => {
  for (const entry of readDir(dir)) {
    const full = path.join(dir, entry.name)
    if (entry.isFile()) narrow(full, PRIVATE_FILE)
    else if (entry.isDirectory()) {
      narrow(full, PRIVATE_DIR)
      for (const inner of readDir(full)) if (inner.isFile()) narrow(path.join(full, inner.name), PRIVATE_FILE)
    }
  }
}

const readDir = (dir: string): fs.Dirent[] => {
  try {
    return fs.readdirSync(dir, { withFileTypes: true })
  } catch {
    return []
  }
}

/** Takes away the bits `mode` lacks (never adds any), on files this user owns (not a shared parent's). */
const narrow = (file: string, mode: number): void => {
  try {
    const stat = fs.statSync(file)
    const current = stat.mode & 0o777
    if ((current & mode) === current) return
    if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return
    fs.chmodSync(file, current & mode)
  } catch {
    // Gone or not ours: nothing to protect here.
  }
}
