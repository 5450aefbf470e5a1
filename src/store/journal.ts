import * as fs from 'node:fs'
import * as path from 'node:path'
import { StorageUnavailable } from '../errors.js'
import type { AnyEvent } from './coalesce.js'

/** One group commit as the journal keeps it: the global sequence number of its first event, and its events. */
export type JournalRecord = { readonly firstSeq: number; readonly events: ReadonlyArray<AnyEvent> }

/** The write-ahead journal's file, beside LiveStore's own files for the store. */
export const journalFile = (dataDir: string, storeId: string): string => path.join(dataDir, `${storeId}.journal`)

export const lastSeqOf = (record: JournalRecord): number => record.firstSeq + record.events.length - 1

/**
 * The host's write-ahead journal: every group commit is appended here (one JSON line) *before* it
 * goes to LiveStore, and acknowledged only once both this append and LiveStore's leader have it.
 *
 * Why: LiveStore 0.4.0's leader tells the session it has a batch *before* it runs `COMMIT` on its
 * databases (`materializeEventsBatch` in `@livestore/common`'s LeaderSyncProcessor). When that
 * `COMMIT` fails (a full disk: "disk I/O error"), the acknowledgement has already gone out and the
 * leader's fiber is dead: measured on a 5 MB tmpfs, 31 enqueues were acknowledged, the last 4 of
 * them were never written, and every later write hung. The journal is written with a synchronous
 * `write(2)`, so a full disk is an error at once, before anything is applied; and what was
 * acknowledged is in the journal even when LiveStore's own write failed, so it is replayed into the
 * store when it is reopened (at start, or online once the disk has room again).
 *
 * Records whose events the event log is known to hold are dropped (`dropThrough`), so the file
 * stays small: it holds the last few seconds of writes in steady state.
 */
export class Journal {
  private fd: number
  private size: number
  private records: JournalRecord[]
  /** Where each record starts in the file, so a suffix can be cut off without writing anything. */
  private starts: number[]

  private constructor(
    /** Each append is followed by `fdatasync`: acknowledged writes survive a power loss too. */
    private readonly sync: boolean,
    readonly file: string,
    fd: number,
    size: number,
    records: JournalRecord[],
    starts: number[],
  ) {
    this.fd = fd
    this.size = size
    this.records = records
    this.starts = starts
  }

  /** Opens (or creates, mode 0600) the journal; a torn last line from a crash mid-append is cut off. */
  static open(file: string, opts: { sync?: boolean } = {}): Journal {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''
    const records: JournalRecord[] = []
    const starts: number[] = []
    let good = 0
    for (const line of text.split('\n')) {
      if (line === '') break
      try {
        const parsed = JSON.parse(line) as { s: number; e: AnyEvent[] }
        records.push({ firstSeq: parsed.s, events: parsed.e })
        starts.push(good)
      } catch {
        break // a torn append (crash or ENOSPC mid-write): it was never acknowledged
      }
      good += Buffer.byteLength(line) + 1
    }
    const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600)
    if (good !== Buffer.byteLength(text)) fs.ftruncateSync(fd, good)
    return new Journal(opts.sync ?? false, file, fd, good, records, starts)
  }

  /** Records not yet known to be in the event log, oldest first. */
  pending(): ReadonlyArray<JournalRecord> {
    return this.records
  }

  /**
   * Appends one group commit. Throws `StorageUnavailable` (and leaves the file as it was) when the
   * write fails: the caller must then not commit the events anywhere.
   */
  append(record: JournalRecord): void {
    const line = Buffer.from(`${JSON.stringify({ s: record.firstSeq, e: record.events })}\n`)
    let written = 0
    try {
      while (written < line.length) written += fs.writeSync(this.fd, line, written, line.length - written, this.size + written)
      if (this.sync) fs.fdatasyncSync(this.fd)
    } catch (error) {
      // A partial line would make every later line unreadable: cut it off (shrinking needs no space).
      try {
        fs.ftruncateSync(this.fd, this.size)
      } catch {}
      throw new StorageUnavailable({ reason: `writing the journal ${this.file} failed (${(error as Error).message})` })
    }
    this.starts.push(this.size)
    this.size += line.length
    this.records.push(record)
  }

  /**
   * Forgets every record whose events all have sequence numbers ≤ `seq` (the event log holds
   * them). Best effort: on a full disk the rewrite fails and the records simply stay a while.
   */
  dropThrough(seq: number): void {
    const first = this.records.findIndex((r) => lastSeqOf(r) > seq)
    if (first === 0) return
    if (first === -1) {
      this.cutAt(0)
      return
    }
    // Write the kept records to a new file and rename it over the old one: a crash in between
    // leaves either the old journal or the new one, both complete.
    const keep = this.records.slice(first)
    const lines = keep.map((r) => `${JSON.stringify({ s: r.firstSeq, e: r.events })}\n`)
    const temp = `${this.file}.tmp`
    try {
      fs.writeFileSync(temp, lines.join(''), { mode: 0o600 })
      fs.renameSync(temp, this.file)
    } catch {
      fs.rmSync(temp, { force: true })
      return
    }
    fs.closeSync(this.fd)
    this.fd = fs.openSync(this.file, fs.constants.O_RDWR, 0o600)
    this.records = keep
    this.starts = []
    this.size = 0
    for (const line of lines) {
      this.starts.push(this.size)
      this.size += Buffer.byteLength(line)
    }
  }

  /** Forgets the records from sequence number `seq` on (refused, never acknowledged). Needs no disk space. */
  dropFrom(seq: number): void {
    const first = this.records.findIndex((r) => r.firstSeq >= seq)
    if (first !== -1) this.cutAt(first)
  }

  /** Truncates the file before record `index` (shrinking a file needs no free space). */
  private cutAt(index: number): void {
    const offset = this.starts[index] ?? this.size
    fs.ftruncateSync(this.fd, offset)
    this.size = offset
    this.records = this.records.slice(0, index)
    this.starts = this.starts.slice(0, index)
  }

  close(): void {
    try {
      fs.closeSync(this.fd)
    } catch {}
  }
}
