import type { Store } from '@livestore/livestore'
import type { QueueSchema } from '../../schema/index.js'
import { StorageUnavailable } from '../errors.js'
import type { AnyEvent } from './coalesce.js'
import { type DirIdentity, dirIdentity, dirRemoved } from './dirIdentity.js'
import { Gate } from './gate.js'
import { GroupCommit } from './groupCommit.js'
import { type Journal, lastSeqOf } from './journal.js'
import type { Lock } from './lockFile.js'
import { globalSeq, PersistenceWatch } from './persistence.js'
import { syncPushed } from './syncPushed.js'

/**
 * How long committed events may wait for LiveStore's leader before the store counts as failed.
 * A healthy leader takes a 1,000-event commit in ~1.1 s here; 10 s leaves room for a loaded
 * machine. After LiveStore has logged an error, 1 s (the leader's fiber dies silently when its
 * `COMMIT` fails: the session keeps accepting commits that are never persisted).
 */
export const STALL_MS = Number(process.env.LIVEQUEUE_STALL_MS) > 0 ? Number(process.env.LIVEQUEUE_STALL_MS) : 10_000
const STALL_AFTER_ERROR_MS = 1_000
/** How long after an error log the shorter wait applies. */
const ERROR_WINDOW_MS = 30_000
/** How often a failed store is reopened (the disk may have room again). */
export const RECOVER_EVERY_MS = 1_000
/** How long closing a failed store may take before it is abandoned (a dead leader never answers). */
const SHUTDOWN_TIMEOUT_MS = 3_000

/** A LiveStore store opened for us, with a way to learn that LiveStore shut it down by itself. */
export type OpenedStore = { store: Store<QueueSchema>; shutDown: Promise<string> }

type Parts = { storeId: string; store: Store<QueueSchema>; watch: PersistenceWatch; group: GroupCommit; journal: Journal | null }

/** A rotation about to happen, as the epoch plan prepared it from the current store's state. */
export type PreparedRotation = {
  readonly nextStoreId: string
  /** The last activity seq of the old epoch (the new one continues after it). */
  readonly activitySeqEnd: number
  /** Committed to the old store before the switch (replicas follow it to the new store id). */
  readonly sealEvents: ReadonlyArray<AnyEvent>
  /** The working set, committed to the new store. */
  readonly seedEvents: ReadonlyArray<AnyEvent>
  /** One more event after the seed: once the leader has taken it, the seed is on disk. */
  readonly markerEvents: ReadonlyArray<AnyEvent>
}

/**
 * How a data dir's store rotates into epochs (src/epochs/plan.ts). The managed store knows when
 * and how to switch safely; the plan knows what an epoch is.
 */
export type EpochPlan = {
  /** Whether the current epoch has grown enough (`events` committed since it was seeded, its finished tasks, its age). */
  due(store: Store<QueueSchema>, events: number, now: number): boolean
  /** The sequence number the current epoch's seed ends at (growth counts from there). */
  seededThrough(): number
  prepare(store: Store<QueueSchema>, now: number): PreparedRotation
  /** The new epoch is seeded and on disk: make it current (an atomic switch). */
  switchTo(prepared: PreparedRotation, seededThrough: number, now: number): void
  /** Removes what a crashed rotation left of a store that never became current. */
  discard(storeId: string): void
  /** The old epoch is sealed and closed: its journal is no longer needed. */
  retired(storeId: string): void
  /** After each rotation (archive retention). */
  afterRotation?(): void
}

/** Why writes are refused now (`fault`: the store failed and is being reopened), or null when they are taken. */
export type WriteHealth = { state: 'ok' } | { state: 'degraded' | 'down'; error: StorageUnavailable }

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
  private lastProgressAt = Date.now()
  /** When LiveStore last logged an error (0: not since the store opened). */
  private errorLoggedAt = 0
  private closed = false
  private recovering: Promise<void> | null = null
  private readonly watchdog: NodeJS.Timeout
  private readonly replacedListeners = new Set<() => void>()
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
      const group = new GroupCommit(store, watch, journal, (failed, error) =>
        this.setHealth(failed && error ? { state: 'degraded', error } : { state: 'ok' }),
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
   * Rotates into a new epoch, online. Commands wait at the gate meanwhile (typically tens of ms;
   * the seed's size decides). The order makes a crash at any moment leave one epoch current:
   * 1. the gate closes and every command inside finishes; the old store's writes are persisted;
   * 2. the working set is read, the old store sealed (a seal event replicas follow);
   * 3. the new store is opened (leftovers of a crashed attempt removed first) and seeded, and a
   *    marker committed after the seed: once the leader has the marker, the seed is on disk;
   * 4. the registry switches (one atomic rename): from here on the new epoch is current;
   * 5. the new store is swapped in, the gate opens, the old store is closed (its memory freed).
   * A crash before 4 leaves the old epoch current (a sealed one, which the next start rotates
   * again at once); after 4, the new one, complete.
   */
  rotate(): Promise<void> {
    const plan = this.epochs
    if (plan === null || this.closed) return Promise.resolve()
    this.rotating ??= (async () => {
      await this.gate.closeAndDrain()
      let fresh: Parts | null = null
      try {
        const old = this.parts
        await old.group.drain()
        if (this.health.state !== 'ok' || this.closed) return
        const now = Date.now()
        const prepared = plan.prepare(old.store, now)
        await old.group.submit(prepared.sealEvents)
        plan.discard(prepared.nextStoreId)
        const journal = this.openJournal(prepared.nextStoreId)
        fresh = await this.openAndReplay(prepared.nextStoreId, journal)
        // A few seed events per commit: 18 events of up to 512 KiB in one commit held the event
        // loop for 1.5 s (10,000 pending tasks); two at a time keeps each commit short.
        for (let i = 0; i < prepared.seedEvents.length; i += 2) await fresh.group.submit(prepared.seedEvents.slice(i, i + 2))
        await fresh.group.submit(prepared.markerEvents)
        const seededThrough = globalSeq(fresh.store.syncStatus().localHead)
        plan.switchTo(prepared, seededThrough, now)
        this.parts = fresh
        fresh = null
        this.lastProgressAt = Date.now()
        for (const listener of this.replacedListeners) listener()
        old.watch.dispose()
        // Read replicas follow the seal to the new store: the backend must have it first.
        if (this.syncing && !(await syncPushed(old.store))) {
          process.stderr.write(`livequeue: the sync backend did not take ${old.storeId}'s last events in time; replicas may stay on it\n`)
        }
        await closeQuietly(old.store)
        old.journal?.close()
        plan.retired(old.storeId)
        plan.afterRotation?.()
      } catch (error) {
        process.stderr.write(`livequeue: rotating into a new epoch failed, staying on this one: ${(error as Error)?.message ?? error}\n`)
        if (fresh) {
          fresh.watch.dispose()
          await closeQuietly(fresh.store)
          fresh.journal?.close()
        }
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
      this.parts.watch.dispose()
      if (this.syncing) await syncPushed(this.parts.store)
      await closeQuietly(this.parts.store)
      this.parts.journal?.close()
    } finally {
      this.closed = true
      this.lock?.release()
    }
  }
}

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StorageUnavailable({ reason: `${what} took over ${ms} ms` })), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

/** Shuts a store down; a failed one may never answer, so give up after a while. */
const closeQuietly = async (store: Store<any>): Promise<void> => {
  await withTimeout(store.shutdownPromise(), SHUTDOWN_TIMEOUT_MS, 'closing the store').catch(() => {})
}
