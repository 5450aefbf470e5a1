import { randomBytes, timingSafeEqual } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Principal } from './roles.js'

/**
 * The local operator's credential: a host writes a fresh random token into its data dir at each
 * start, mode 0600 in the 0700 data dir, so only the data dir's owner can read it (who could
 * open the store itself when no host runs). A CLI command that finds the host through the data
 * dir's lock file sends it when it was given no token, so `livequeue list` on the host's
 * machine works on a host with tokens without copying one. It is never in tokens.json, never
 * listed, and dies with the host: a new start makes a new one and the old one is refused.
 * Commands given `--server` or a token, and every other client, authenticate as before.
 */

export const LOCAL_CREDENTIAL_FILE = 'local-operator.token'

/** Who the local credential's requests are from: an admin named so in logs and `createdBy`. */
export const LOCAL_OPERATOR: Principal & { name: string } = { name: 'local-operator', role: 'admin' }

const fileIn = (dataDir: string) => path.join(dataDir, LOCAL_CREDENTIAL_FILE)

/** Makes a new credential and writes it (temp file 0600, then rename: never readable half-written or by others). */
export const writeLocalCredential = (dataDir: string): string => {
  const token = `lq_local_${randomBytes(32).toString('base64url')}`
  const temp = `${fileIn(dataDir)}.${process.pid}.tmp`
  fs.writeFileSync(temp, `${token}\n`, { mode: 0o600 })
  fs.chmodSync(temp, 0o600) // whatever the umask
  fs.renameSync(temp, fileIn(dataDir))
  return token
}

/** The credential of the host that owns `dataDir`, or null (no host wrote one, or this user may not read it). */
export const readLocalCredential = (dataDir: string): string | null => {
  try {
    const token = fs.readFileSync(fileIn(dataDir), 'utf8').trim()
    return token.startsWith('lq_local_') ? token : null
  } catch {
    return null
  }
}

/** Removes the file if it still holds `token` (a newer host's credential is left alone). */
export const removeLocalCredential = (dataDir: string, token: string): void => {
  if (readLocalCredential(dataDir) === token) fs.rmSync(fileIn(dataDir), { force: true })
}

/** Whether `sent` is the credential, compared in constant time. */
export const isLocalCredential = (expected: string | undefined, sent: string): boolean => {
  if (expected === undefined) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(sent)
  return a.length === b.length && timingSafeEqual(a, b)
}
