import type { Store } from '@livestore/livestore'
import type { QueueSchema } from '../../schema/index.js'
import { StorageUnavailable } from '../errors.js'
import { type DirIdentity, dirIdentity, dirRemoved } from './dirIdentity.js'
import { Gate } from './gate.js'
import { type CommitTotals, GroupCommit } from './groupCommit.js'
import { type Journal, lastSeqOf } from './journal.js'
import type { Lock } from './lockFile.js'
import { globalSeq, PersistenceWatch } from './persistence.js'
import type { EpochPlan, WriteHealth } from './epochPlan.js'
import { rotateOnce } from './rotation.js'
import { closeParts, type StoreParts } from './storeParts.js'
import { closeQuietly, ERROR_WINDOW_MS, RECOVER_EVERY_MS, STALL_AFTER_ERROR_MS, STALL_MS, withTimeout } from './timeouts.js'

/** A LiveStore store opened for us, with a way to learn that LiveStore shut it down by itself. */
export type OpenedStore = { store: Store<QueueSchema>; shutDown: Promise<string> }

type Parts = StoreParts

/**
 * The store a queue owns, kept writable through storage faults (docs/design.md, "Storage faults")
 * and, on an fs data dir, rotated into a fresh store when an epoch is full (`rotate`, "Epochs").
 *
 * - Every group commit is appended to the journal before LiveStore sees it (see `Journal`).
 * - A failed journal append refuses that batch only (`degraded`: /readyz says not ready until an
 *   append succeeds again).
 * - When LiveStore's leader stops taking events (its `COMMIT` failed: a full disk), or LiveStore
 *   shuts the store down, the store is `down`: writes the leader had taken are acknowledged (the
 *   journal has them), the rest are refused, and the store is reopened from disk every second,
 *   the journal replayed into it, and swapped in (`onReplaced` listeners re-subscribe).
 */
export class ManagedStore {
  private parts!: Parts
  private health: WriteHealth = { state: 'ok' }
  readonly commitTotals: CommitTotals = { commits: 0, events: 0 }
  private lastProgressAt = Date.now()
  /** When LiveStore last logged an error (0: not since the store opened). */
  private errorLoggedAt = 0
  private closed = false
  private recovering: Promise<void> | null = null
  private readonly watchdog: NodeJS.Timeout
  private readonly replacedListeners = new Set<() => void>()
  private readonly queuedListeners = new Set<() => void>()
  private readonly healthListeners = new Set<(health: WriteHealth) => void>()
  /** The data dir as it was at open: a reopen into a removed one would start an empty store. */
  private readonly dirAtOpen: DirIdentity | null

  private readonly gate = new Gate()
  private rotating: Promise<void> | null = null

  private constructor(
    private readonly openLiveStore: (storeId: string) => Promise<OpenedStore>,
    private readonly openJournal: (storeId: string) => Journal | null,
    readonly dataDir: string | null,
    readonly lock: Lock | null,
    private readonly epochs: EpochPlan | null,
    /** Events also go to a sync backend (`serve --sync-url`): a store is closed only once the backend has them. */
    private readonly syncing: boolean,
  ) {
    this.dirAtOpen = dirIdentity(dataDir)
    this.watchdog = setInterval(() => this.checkProgress(), 250)
    this.watchdog.unref()
  }

  /** Opens the store, replays what the journal holds beyond the event log, and watches it. */
  static async open(opts: {
    storeId: string
    openLiveStore: (storeId: string) => Promise<OpenedStore>
    openJournal: (storeId: string) => Journal | null
    dataDir: string | null
    lock: Lock | null
    epochs?: EpochPlan | null
    syncing?: boolean
  }): Promise<ManagedStore> {
    const managed = new ManagedStore(opts.openLiveStore, opts.openJournal, opts.dataDir, opts.lock, opts.epochs ?? null, opts.syncing ?? false)
    let journal: Journal | null = null
    try {
      journal = opts.openJournal(opts.storeId)
      managed.parts = await managed.openAndReplay(opts.storeId, journal)
    } catch (error) {
      journal?.close()
      clearInterval(managed.watchdog)
      throw error
    }
    return managed
  }

  /** The store id of the current epoch (or the only store). */
  get storeId(): string {
    return this.parts.storeId
  }

  enter(): (() => void) | Promise<() => void> {
    return this.gate.enter()
  }

  get store(): Store<QueueSchema> {
    return this.parts.store
  }

  get group(): GroupCommit {
    return this.parts.group
  }

  get writeHealth(): WriteHealth {
    return this.health
  }

  /** LiveStore logged an error: if the leader died, the watchdog now notices within a second. */
  noteLiveStoreError(): void {
    this.errorLoggedAt = Date.now()
  }

  /** Called after the store was replaced by a reopened one; returns an unsubscribe. */
  onReplaced(listener: () => void): () => void {
    this.replacedListeners.add(listener)
    return () => this.replacedListeners.delete(listener)
  }

  onQueuedSubmitted(listener: () => void): () => void {
    this.queuedListeners.add(listener)
    return () => this.queuedListeners.delete(listener)
  }

  onHealthChange(listener: (health: WriteHealth) => void): () => void {
    this.healthListeners.add(listener)
    return () => this.healthListeners.delete(listener)
  }

  private setHealth(health: WriteHealth): void {
    if (health.state === this.health.state) return
    this.health = health
    for (const listener of this.healthListeners) listener(health)
  }

  private async openAndReplay(storeId: string, journal: Journal | null): Promise<Parts> {
    const opened = await this.openLiveStore(storeId)
    const { store } = opened
    try {
      const watch = new PersistenceWatch(store)
      const head = globalSeq(store.syncStatus().localHead)
      if (journal) {
        // What the event log holds at boot is on disk; the journal keeps only what may not be.
        journal.dropThrough(head)
        for (const record of journal.pending()) {
          const events = record.events.slice(Math.max(0, head - record.firstSeq + 1))
          if (events.length > 0) store.commit(...(events as any[]))
        }
        const last = journal.pending().at(-1)
        if (last && lastSeqOf(last) > head) await withTimeout(watch.persisted(store.syncStatus().localHead), STALL_MS, 'replaying the journal')
        this.trackDurability(watch, journal)
      }
      const group = new GroupCommit(
        store,
        watch,
        journal,
        (failed, error) => this.setHealth(failed && error ? { state: 'degraded', error } : { state: 'ok' }),
        this.commitTotals,
        () => {
          for (const listener of [...this.queuedListeners]) listener()
        },
      )
      void opened.shutDown.then((reason) => this.fault(reason, store))
      return { storeId, store, watch, group, journal }
    } catch (error) {
      await closeQuietly(store)
      throw error
    }
  }

  /**
   * The leader persists batches one after another and tells the session about a batch before its
   * `COMMIT`; so when it has taken events up to `u2`, every batch before that one (up to the
   * previous upstream `u1`) is committed on disk, and the journal can let go of it.
   */
  private trackDurability(watch: PersistenceWatch, journal: Journal): void {
    let previous = watch.upstreamSeq
    watch.onAdvance((upstream) => {
      this.lastProgressAt = Date.now()
      journal.dropThrough(previous)
      previous = upstream
    })
  }

  private checkProgress(): void {
    if (this.closed || this.health.state === 'down' || this.parts === undefined) return
    const oldest = this.parts.group.oldestInFlight()
    if (oldest === null || this.parts.watch.upstreamSeq >= oldest) {
      this.lastProgressAt = Date.now()
      this.rotateIfDue()
      return
    }
    // The session still hears of the batch whose COMMIT failed (after the error was logged), so a
    // recent error shortens the wait whatever happened since.
    const limit = Date.now() - this.errorLoggedAt < ERROR_WINDOW_MS ? STALL_AFTER_ERROR_MS : STALL_MS
    const waited = Date.now() - this.lastProgressAt
    if (waited > limit) this.fault(`LiveStore's leader took no events for ${waited} ms (a failed write: is the disk full?)`, this.parts.store)
    // A busy store always has a commit in flight: rotation must not wait for an idle moment.
    else this.rotateIfDue()
  }

  /** The store failed: settle what is in flight, refuse writes, and reopen it until that works. */
  private fault(reason: string, store: Store<QueueSchema>): void {
    if (this.closed || this.health.state === 'down' || store !== this.parts?.store) return
    const error = new StorageUnavailable({ reason })
    process.stderr.write(`livequeue: ${error.message}\n`)
    this.parts.group.fail(error, this.parts.watch.upstreamSeq)
    this.setHealth({ state: 'down', error })
    if (this.parts.journal) this.recovering ??= this.recover()
  }

  private async recover(): Promise<void> {
    while (!this.closed) {
      await new Promise((resolve) => setTimeout(resolve, RECOVER_EVERY_MS))
      if (this.closed) break
      if (dirRemoved(this.dirAtOpen)) {
        // Never reopen into a removed (or replaced) data dir: that would be an empty store, and
        // what the journal holds would be replayed into it out of context. Stay down and say why.
        const reason = `the data dir ${this.dataDir} was removed or replaced while the host ran; restore it from a backup and restart the host`
        if (this.lastRecoveryError !== reason) {
          this.lastRecoveryError = reason
          const error = new StorageUnavailable({ reason })
          this.parts.group.fail(error, this.parts.watch.upstreamSeq)
          this.health = { state: 'down', error }
          process.stderr.write(`livequeue: ${reason}\n`)
        }
        continue
      }
      let fresh: Parts
      try {
        fresh = await this.openAndReplay(this.parts.storeId, this.parts.journal)
      } catch (error) {
        this.lastRecoveryError = (error as Error)?.message ?? String(error)
        continue
      }
      if (this.closed) {
        await closeQuietly(fresh.store)
        break
      }
      const old = this.parts
      this.parts = fresh
      this.lastProgressAt = Date.now()
      this.errorLoggedAt = 0
      this.recovering = null
      this.setHealth({ state: 'ok' })
      process.stderr.write('livequeue: the store was reopened; writes are taken again\n')
      for (const listener of this.replacedListeners) listener()
      old.watch.dispose()
      void closeQuietly(old.store)
      return
    }
    this.recovering = null
  }

  /** The last reason a reopen failed, for the host's log. */
  lastRecoveryError: string | null = null

  private rotateIfDue(): void {
    if (this.epochs === null || this.rotating !== null || this.health.state !== 'ok') return
    const events = globalSeq(this.parts.store.syncStatus().localHead) - this.epochs.seededThrough()
    if (this.epochs.due(this.parts.store, events, Date.now())) void this.rotate()
  }

  /**
   * Rotates into a new epoch, online (src/store/rotation.ts). Commands wait at the gate meanwhile
   * (typically tens of ms; the seed's size decides) and those already inside finish first.
   */
  rotate(): Promise<void> {
    const plan = this.epochs
    if (plan === null || this.closed) return Promise.resolve()
    this.rotating ??= (async () => {
      await this.gate.closeAndDrain()
      try {
        await rotateOnce(plan, {
          current: () => this.parts,
          openParts: (storeId) => this.openAndReplay(storeId, this.openJournal(storeId)),
          swapIn: (fresh) => {
            this.parts = fresh
            this.lastProgressAt = Date.now()
            for (const listener of this.replacedListeners) listener()
          },
          writable: () => this.health.state === 'ok' && !this.closed,
          syncing: this.syncing,
        })
      } finally {
        this.rotating = null
        this.gate.open()
      }
    })()
    return this.rotating
  }

  /** Flushes what is committed (a failed store refuses it), shuts the store down, releases the lock. */
  async close(): Promise<void> {
    if (this.closed) return
    try {
      await this.rotating
      await withTimeout(this.parts.group.drain(), STALL_MS, 'flushing').catch(() => {})
      this.closed = true
      clearInterval(this.watchdog)
      await closeParts(this.parts, { syncing: this.syncing })
    } finally {
      this.closed = true
      this.lock?.release()
    }
  }
}
