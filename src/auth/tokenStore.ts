import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as Data from 'effect/Data'
import { isRole, type Principal, type Role } from './roles.js'

/**
 * Bearer tokens for the HTTP API, in `<dataDir>/tokens.json` (never in the event log: events are
 * kept forever and sent to every replica). Only a SHA-256 hash of each token is stored, so the
 * file does not hand out access; it is still written with mode 0600, atomically (temp file +
 * rename), so a reader never sees half a file. These functions work on the file alone, without a
 * store, so `livequeue token …` works while a host runs; the host's `TokenStore` sees the change
 * on the next request.
 */

export const TOKENS_FILE = 'tokens.json'

/** A token as stored: its hash, never the token. */
export type TokenRecord = { name: string; role: Role; sha256: string; createdAt: string }
export type TokenInfo = Omit<TokenRecord, 'sha256'>

export class TokenError extends Data.TaggedError('TokenError')<{ readonly reason: string }> {
  override get message() {
    return this.reason
  }
}

/** Token names: what producers' tasks record as `createdBy`. */
export const TOKEN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,63}$/

/** Same default as `resolveDataDir` (store/openStore.ts), which we do not import: it loads LiveStore. */
export const tokensFile = (dataDir?: string): string => path.join(path.resolve(dataDir ?? process.env.LIVEQUEUE_DATA_DIR ?? '.livequeue'), TOKENS_FILE)

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex')

/** The records in the file; none when it does not exist. Throws `TokenError` when it is not ours. */
export const readTokens = (file: string): TokenRecord[] => {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  try {
    const parsed = JSON.parse(text) as { tokens?: unknown }
    if (!Array.isArray(parsed.tokens)) throw new Error('no "tokens" array')
    return parsed.tokens.filter((t): t is TokenRecord => typeof t?.name === 'string' && isRole(t?.role) && typeof t?.sha256 === 'string')
  } catch (error) {
    throw new TokenError({ reason: `${file} is not a livequeue tokens file (${(error as Error).message}); fix or remove it` })
  }
}

const writeTokens = (file: string, tokens: ReadonlyArray<TokenRecord>): void => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const temp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(temp, `${JSON.stringify({ tokens }, null, 2)}\n`, { mode: 0o600 })
  fs.chmodSync(temp, 0o600) // in case a umask or an old temp file widened it
  fs.renameSync(temp, file)
}

/** Makes a token (`lq_` + 32 random bytes, base64url) and stores its hash. The token is returned once, never stored. */
export const createToken = (file: string, opts: { name: string; role: Role }): TokenInfo & { token: string } => {
  if (!TOKEN_NAME_PATTERN.test(opts.name)) {
    throw new TokenError({ reason: `invalid name "${opts.name}": use 1–64 letters, digits or _.@:- starting with a letter or digit` })
  }
  if (!isRole(opts.role)) throw new TokenError({ reason: `invalid role "${opts.role}": use admin, producer, worker or viewer` })
  const tokens = readTokens(file)
  if (tokens.some((t) => t.name === opts.name)) {
    throw new TokenError({ reason: `a token named "${opts.name}" exists; revoke it first or pick another name` })
  }
  const token = `lq_${randomBytes(32).toString('base64url')}`
  const record: TokenRecord = { name: opts.name, role: opts.role, sha256: hashToken(token), createdAt: new Date().toISOString() }
  writeTokens(file, [...tokens, record])
  return { token, name: record.name, role: record.role, createdAt: record.createdAt }
}

export const listTokens = (file: string): TokenInfo[] => readTokens(file).map(({ sha256: _, ...info }) => info)

/** Removes the named token; a host refuses it from its next request on. */
export const revokeToken = (file: string, name: string): TokenInfo => {
  const tokens = readTokens(file)
  const found = tokens.find((t) => t.name === name)
  if (found === undefined) throw new TokenError({ reason: `no token named "${name}" (see \`livequeue token list\`)` })
  writeTokens(
    file,
    tokens.filter((t) => t !== found),
  )
  return { name: found.name, role: found.role, createdAt: found.createdAt }
}

/**
 * The host's view of the file: re-read whenever it changes. A `stat` per request (a few µs) is
 * what makes a revoke take effect at once; `fs.watch` can miss a rename on some file systems.
 * A file that cannot be read fails closed: tokens are required and none is accepted.
 */
export class TokenStore {
  private stamp = ''
  private byHash = new Map<string, Principal & { name: string }>()
  private broken = false

  constructor(readonly file: string) {}

  private refresh(): void {
    let stamp: string
    try {
      const s = fs.statSync(this.file)
      stamp = `${s.ino}:${s.size}:${s.mtimeMs}`
    } catch {
      stamp = 'missing'
    }
    if (stamp === this.stamp) return
    this.stamp = stamp
    try {
      this.byHash = new Map(readTokens(this.file).map((t) => [t.sha256, { name: t.name, role: t.role }]))
      this.broken = false
    } catch (error) {
      this.byHash = new Map()
      this.broken = true
      process.stderr.write(`livequeue: ${(error as Error).message}; refusing every token until it is fixed\n`)
    }
  }

  /** Whether the host requires tokens (any is configured, or the file is unreadable). */
  hasTokens(): boolean {
    this.refresh()
    return this.broken || this.byHash.size > 0
  }

  /** The token's name and role, or null when it is unknown or revoked. */
  verify(token: string): (Principal & { name: string }) | null {
    this.refresh()
    return token.startsWith('lq_') ? (this.byHash.get(hashToken(token)) ?? null) : null
  }
}
