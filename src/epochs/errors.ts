import * as Data from 'effect/Data'

/** No epoch with this number in the data dir's registry (see `livequeue archive list`). */
export class EpochNotFound extends Data.TaggedError('EpochNotFound')<{ readonly epoch: number }> {
  override get message() {
    return `no epoch ${this.epoch} in this data dir (see \`livequeue archive list\`)`
  }
}

/** The epoch is the current one (the queue writes to it): only sealed epochs are archives. */
export class EpochNotSealed extends Data.TaggedError('EpochNotSealed')<{ readonly epoch: number }> {
  override get message() {
    return `epoch ${this.epoch} is the current epoch, not an archive; only sealed epochs can be exported or dropped`
  }
}

/** The archive of a sealed epoch was dropped: its files are gone. */
export class ArchiveDropped extends Data.TaggedError('ArchiveDropped')<{ readonly epoch: number }> {
  override get message() {
    return `the archive of epoch ${this.epoch} was dropped; its tasks are gone`
  }
}

/** A sealed epoch's state database cannot be read (missing, damaged, not SQLite). */
export class ArchiveUnreadable extends Data.TaggedError('ArchiveUnreadable')<{
  readonly epoch: number
  readonly file: string
  readonly reason: string
}> {
  override get message() {
    return `cannot read the archive of epoch ${this.epoch} (${this.file}): ${this.reason}; restore it from a backup, or drop it with \`livequeue archive drop ${this.epoch}\``
  }
}

/** A live host owns the data dir: changing its registry from outside could undo a rotation. */
export class ArchiveBusy extends Data.TaggedError('ArchiveBusy')<{
  readonly dataDir: string
  readonly pid: number
  readonly url: string | null
}> {
  override get message() {
    return `the data dir ${this.dataDir} is owned by a running host (process ${this.pid}${this.url ? `, serving ${this.url}` : ''}); archives are dropped only while no host runs: stop it first, or let it apply \`serve --archive-keep-days N\``
  }
}
