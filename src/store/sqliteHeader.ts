import * as fs from 'node:fs'

/**
 * What the first 100 bytes of a SQLite file say (https://sqlite.org/fileformat.html §1.3),
 * read without SQLite: enough to tell a missing, empty, foreign or truncated file apart.
 */
export type HeaderVerdict =
  | { readonly kind: 'missing' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'sqlite' }
  | { readonly kind: 'bad'; readonly reason: string }

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1')
const HEADER_BYTES = 100

export const inspectHeader = (file: string): HeaderVerdict => {
  let fd: number
  try {
    fd = fs.openSync(file, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' }
    return { kind: 'bad', reason: `cannot be read (${(error as Error).message})` }
  }
  try {
    const size = fs.fstatSync(fd).size
    if (size === 0) return { kind: 'empty' }
    // A rollback journal beside the file means SQLite will first undo a half-written
    // transaction; the header may describe pages the journal removes, so only SQLite can judge.
    if (hotJournal(file)) return { kind: 'sqlite' }
    const header = Buffer.alloc(HEADER_BYTES)
    const read = fs.readSync(fd, header, 0, HEADER_BYTES, 0)
    if (read < HEADER_BYTES) return { kind: 'bad', reason: `it is ${size} bytes, shorter than a SQLite header (truncated or not a database)` }
    if (!header.subarray(0, MAGIC.length).equals(MAGIC)) {
      return { kind: 'bad', reason: `it is not a SQLite database (it starts with bytes ${header.subarray(0, 8).toString('hex')})` }
    }
    const raw = header.readUInt16BE(16)
    const pageSize = raw === 1 ? 65536 : raw
    if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return { kind: 'bad', reason: `its SQLite header is damaged (page size ${raw})` }
    if (size % pageSize !== 0) return { kind: 'bad', reason: `it is ${size} bytes, not a whole number of ${pageSize}-byte pages (truncated)` }
    // The page count in the header is valid when the "version-valid-for" number matches the change counter.
    const pages = header.readUInt32BE(28)
    if (pages > 0 && header.readUInt32BE(92) === header.readUInt32BE(24) && size < pages * pageSize) {
      return { kind: 'bad', reason: `it is ${size} bytes but its header says ${pages} pages of ${pageSize} bytes (${pages * pageSize} bytes): truncated` }
    }
    return { kind: 'sqlite' }
  } finally {
    fs.closeSync(fd)
  }
}

const hotJournal = (file: string): boolean => {
  try {
    return fs.statSync(`${file}-journal`).size > 0
  } catch {
    return false
  }
}
