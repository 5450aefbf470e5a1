import type { LiveStoreEvent, Store } from '@livestore/livestore'
import type { QueuedTask } from '../../events/task.js'
import type { StorageUnavailable } from '../errors.js'
import { type AnyEvent, coalesce } from './coalesce.js'
import type { Journal } from './journal.js'
import { globalSeq, type PersistenceWatch } from './persistence.js'

/** Events per group commit before it is committed without waiting for the turn to end. */
export const MAX_BATCH_EVENTS = 1_000

type Waiter = { resolve: () => void; reject: (e: unknown) => void }

/** LiveStore commits made and the events they carried, since the store was opened (`/metrics`, bench). */
export type CommitTotals = { commits: number; events: number }

/**
 * With a journal, this many commits may be handed to LiveStore before its leader has persisted
 * the first: each was acknowledged when the journal had it, and the leader takes several pushed
 * commits in one of its batches. Beyond it, the batch grows until the leader catches up, so a
 * producer faster than the disk is slowed down instead of filling memory.
 */
export const MAX_UNPERSISTED_COMMITS = 4

/**
 * A commit handed to LiveStore whose leader has not persisted it yet: its sequence numbers, who
 * waits for its acknowledgement (nobody once it was acknowledged from the journal) and who waits
 * for it to be persisted (`drain`).
 */
type InFlight = { firstSeq: number; lastSeq: number; waiters: Waiter[]; persistWaiters: Array<() => void>; acked: boolean; settled: boolean }

/**
 * Group commit: events from operations issued in the same turn of the event loop go to LiveStore
 * in one `commit` (each commit costs milliseconds of CPU; a batch of 100 costs far less than 100
 * single commits, docs/design.md). Every operation resolves only once its events are durable:
 * - with a journal (a store on disk): once the journal has them (one `write(2)`, optionally
 *   `fdatasync`) and LiveStore's session has applied them (so every read sees them). A process
 *   killed before the leader persisted them gets them back from the journal at the next open.
 *   Not waiting for the leader (~10 ms per commit here, tens of ms behind a busy worker's commit)
 *   is what makes an awaited enqueue cost about a millisecond (docs/design.md, "Acknowledgement").
 * - without one (an in-memory store): once LiveStore's leader has taken them.
 *
 * Reads must see writes: an operation that reads a task written by the open batch calls
 * `flushIfTouched` first, which commits the batch at once (the persistence wait stays shared).
 *
 * A storage fault (`fail`) settles every commit still in flight: those the leader had taken are
 * acknowledged (the journal holds them for replay), the rest are refused with `StorageUnavailable`,
 * and every later `submit` is refused until the store is replaced.
 */
export class GroupCommit {
  private batch: AnyEvent[] = []
  private batchWaiters: Waiter[] = []
  private touched = new Set<string>()
  private scheduled: NodeJS.Immediate | null = null
  private inFlight: InFlight[] = []
  private failure: StorageUnavailable | null = null
  /** `onQueued` is due in a microtask (once per turn, however many enqueues submit). */
  private queuedNoticeDue = false

  constructor(
    private readonly store: Store<any>,
    private readonly watch: PersistenceWatch,
    private readonly journal: Journal | null = null,
    /** Told when a journal append fails (true) and when one succeeds again (false). */
    private readonly onJournalError: (failed: boolean, error: StorageUnavailable | null) => void = () => {},
    /** Shared by the group commits of one queue's successive stores (reopened, rotated). */
    readonly totals: CommitTotals = { commits: 0, events: 0 },
    /**
     * Told (in a microtask, still before the batch commits) that events queueing tasks joined the
     * open batch: a claimer with free slots that claims now rides the same commit (`openQueued`).
     */
    private readonly onQueued: () => void = () => {},
  ) {}

  /** Queues events for the next group commit; resolves once they are on disk. */
  submit(events: ReadonlyArray<AnyEvent>, touchedKeys: Iterable<string> = []): Promise<void> {
    if (events.length === 0) return Promise.resolve()
    if (this.failure) return Promise.reject(this.failure)
    for (const e of events) this.batch.push(e)
    for (const k of touchedKeys) this.touched.add(k)
    if (!this.queuedNoticeDue && events.some(isQueued)) {
      this.queuedNoticeDue = true
      queueMicrotask(() => {
        this.queuedNoticeDue = false
        this.onQueued()
      })
    }
    const done = new Promise<void>((resolve, reject) => this.batchWaiters.push({ resolve, reject }))
    // A cap keeps one commit from blocking the event loop for long: 10,000 concurrent enqueues in
    // one commit blocked it for 1.1 s and acknowledged nothing until all were persisted.
    if (this.batch.length >= MAX_BATCH_EVENTS) this.flush()
    else if (this.mayCommit()) this.scheduleFlush()
    // Otherwise the batch grows until the leader has persisted a commit in flight (see
    // `settle`): one commit fewer saves its fixed CPU cost (several ms in LiveStore 0.4.0).
    return done
  }

  /** The tasks the open batch queues, in order (not yet committed, so no read sees them). */
  openQueued(): QueuedTask[] {
    const tasks: QueuedTask[] = []
    for (const e of this.batch) {
      if (e.name === 'v1.TaskQueued') tasks.push(e.args as QueuedTask)
      else if (e.name === 'v1.TasksQueued') tasks.push(...(e.args as { tasks: QueuedTask[] }).tasks)
    }
    return tasks
  }

  /** Whether the open batch writes this key (a task id, an idempotency key). */
  touches(key: string): boolean {
    return this.touched.has(key)
  }

  /** Commits the open batch now if it writes any of `keys`, so a read sees those writes. */
  flushIfTouched(keys: Iterable<string>): void {
    for (const k of keys) {
      if (this.touched.has(k)) {
        this.flush()
        return
      }
    }
  }

  /** Commits the open batch now (synchronously; its persistence is still awaited by its callers). */
  flush(): void {
    if (this.scheduled !== null) clearImmediate(this.scheduled)
    this.scheduled = null
    if (this.batch.length === 0) return
    const waiters = this.batchWaiters
    const events = coalesce(this.batch)
    this.batch = []
    this.batchWaiters = []
    this.touched.clear()
    if (this.failure) {
      rejectAll(waiters, this.failure)
      return
    }
    let firstSeq: number
    try {
      // The session numbers events one after another; nobody else commits to a store we own.
      firstSeq = globalSeq(this.store.syncStatus().localHead) + 1
    } catch (error) {
      rejectAll(waiters, error) // LiveStore shut the store down; its owner reopens it
      return
    }
    if (this.journal) {
      try {
        this.journal.append({ firstSeq, events })
        this.onJournalError(false, null)
      } catch (error) {
        // Nothing was committed: the callers learn it now, and the next batch tries again.
        this.onJournalError(true, error as StorageUnavailable)
        rejectAll(waiters, error)
        return
      }
    }
    try {
      this.store.commit(...(events as unknown as LiveStoreEvent.Input.Decoded[]))
    } catch (error) {
      this.journal?.dropFrom(firstSeq)
      rejectAll(waiters, error)
      return
    }
    this.totals.commits++
    this.totals.events += events.length
    let localHead: string
    let applied = true
    try {
      localHead = this.store.syncStatus().localHead
    } catch {
      // The session could not apply the batch (LiveStore shut the store down as it committed,
      // e.g. a value SQLite refuses): not acknowledged; the store's owner refuses it and reopens.
      applied = false
      localHead = `e${firstSeq + events.length - 1}`
    }
    const acked = applied && this.journal !== null
    const entry: InFlight = { firstSeq, lastSeq: globalSeq(localHead), waiters: acked ? [] : waiters, persistWaiters: [], acked, settled: false }
    this.inFlight.push(entry)
    if (acked) for (const w of waiters) w.resolve()
    this.watch.persisted(localHead).then(() => this.settle(entry))
  }

  /** Whether another commit may go to LiveStore before the leader persisted the ones in flight. */
  private mayCommit(): boolean {
    return this.inFlight.length < (this.journal ? MAX_UNPERSISTED_COMMITS : 1)
  }

  private settle(entry: InFlight, error?: unknown): void {
    if (entry.settled) return
    entry.settled = true
    this.inFlight = this.inFlight.filter((e) => e !== entry)
    if (error === undefined) for (const w of entry.waiters) w.resolve()
    else rejectAll(entry.waiters, error)
    for (const persisted of entry.persistWaiters) persisted()
    if (this.mayCommit() && this.batch.length > 0) this.scheduleFlush()
  }

  /** Commits the open batch at the end of this turn of the event loop. */
  private scheduleFlush(): void {
    this.scheduled ??= setImmediate(() => this.flush())
  }

  /** The oldest sequence number handed to LiveStore and not yet acknowledged, or null. */
  oldestInFlight(): number | null {
    return this.inFlight[0]?.firstSeq ?? null
  }

  /**
   * The store failed under us. Commits acknowledged from the journal stay there and are replayed
   * into the reopened store. Of the others, those the leader had taken (through sequence number
   * `taken`) are acknowledged, the journal holds them; every other one is refused and cut from
   * the journal, so a refused write never reappears. Every later `submit` is refused with `error`.
   */
  fail(error: StorageUnavailable, taken: number): void {
    this.failure = error
    if (this.scheduled !== null) clearImmediate(this.scheduled)
    this.scheduled = null
    rejectAll(this.batchWaiters, error)
    this.batch = []
    this.batchWaiters = []
    this.touched.clear()
    const refused = this.inFlight.filter((e) => !e.acked && e.lastSeq > taken)
    const firstRefused = refused[0]
    if (firstRefused) this.journal?.dropFrom(firstRefused.firstSeq)
    for (const entry of [...this.inFlight]) this.settle(entry, refused.includes(entry) ? error : undefined)
  }

  /** Commits what is open and waits until everything committed so far is persisted (or refused). */
  async drain(): Promise<void> {
    this.flush()
    await Promise.all(this.inFlight.map((e) => new Promise<void>((resolve) => e.persistWaiters.push(resolve))))
  }
}

const isQueued = (e: AnyEvent): boolean => e.name === 'v1.TaskQueued' || e.name === 'v1.TasksQueued'

const rejectAll = (waiters: ReadonlyArray<Waiter>, error: unknown): void => {
  for (const w of waiters) w.reject(error)
}
