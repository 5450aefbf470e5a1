import * as fs from 'node:fs'

/** A directory as it was when the store opened (its inode), to tell later whether it was removed or replaced. */
export type DirIdentity = { readonly dir: string; readonly ino: number; readonly dev: number }

export const dirIdentity = (dir: string | null): DirIdentity | null => {
  if (dir === null) return null
  try {
    const stat = fs.statSync(dir)
    return { dir, ino: stat.ino, dev: stat.dev }
  } catch {
    return null
  }
}

/** Whether the directory is gone or another one now has its name (`rm -rf` and a restore). */
export const dirRemoved = (identity: DirIdentity | null): boolean => {
  if (identity === null) return false
  const now = dirIdentity(identity.dir)
  return now === null || now.ino !== identity.ino || now.dev !== identity.dev
}
