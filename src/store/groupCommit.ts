import type { LiveStoreEvent, Store } from '@livestore/livestore'
import { type AnyEvent, coalesce } from './coalesce.js'
import type { PersistenceWatch } from './persistence.js'



/**
 * Group commit: events from operations issued in the same turn of the event loop go to LiveStore
 * in one `commit` (each commit costs milliseconds of CPU; a batch of 100 costs far less than 100
 * single commits, DESIGN fact 5). Every operation resolves only once its events are persisted.
 *
 * Reads must see writes: an operation that reads a task written by the open batch calls
 * `flushIfTouched` first, which commits the batch at once (the persistence wait stays shared).
 */
/** Events per group commit before it is committed without waiting for the turn to end. */
export const MAX_BATCH_EVENTS = 1_000

export class GroupCommit {
  private batch: AnyEvent[] = []
  private batchWaiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = []
  private touched = new Set<string>()
  private scheduled: NodeJS.Immediate | null = null
  private inFlight = new Set<Promise<void>>()

  constructor(
    private readonly store: Store<any>,
    private readonly watch: PersistenceWatch,
  ) {}

  /** Queues events for the next group commit; resolves once they are on disk. */
  submit(events: ReadonlyArray<AnyEvent>, touchedKeys: Iterable<string> = []): Promise<void> {
    if (events.length === 0) return Promise.resolve()
    for (const e of events) this.batch.push(e)
    for (const k of touchedKeys) this.touched.add(k)
    const done = new Promise<void>((resolve, reject) => this.batchWaiters.push({ resolve, reject }))
    // A cap keeps one commit from blocking the event loop for long: 10,000 concurrent enqueues in
    // one commit blocked it for 1.1 s and acknowledged nothing until all were persisted.
    if (this.batch.length >= MAX_BATCH_EVENTS) this.flush()
    else if (this.inFlight.size === 0) this.scheduleFlush()
    // While a commit is being persisted, the batch grows until that commit is on disk (see
    // `flush`): the leader persists one commit after another anyway, so waiting costs the caller
    // little, and one commit fewer saves its fixed CPU cost (several ms in LiveStore 0.4.0).
    return done
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
    const batch = this.batch
    const waiters = this.batchWaiters
    this.batch = []
    this.batchWaiters = []
    this.touched.clear()
    try {
      this.store.commit(...(coalesce(batch) as unknown as LiveStoreEvent.Input.Decoded[]))
    } catch (error) {
      for (const w of waiters) w.reject(error)
      return
    }
    const persisted = this.watch.persisted(this.store.syncStatus().localHead)
    this.inFlight.add(persisted)
    persisted.then(() => {
      this.inFlight.delete(persisted)
      for (const w of waiters) w.resolve()
      if (this.inFlight.size === 0 && this.batch.length > 0) this.scheduleFlush()
    })
  }

  /** Commits the open batch at the end of this turn of the event loop. */
  private scheduleFlush(): void {
    this.scheduled ??= setImmediate(() => this.flush())
  }

  /** Commits what is open and waits until everything committed so far is persisted. */
  async drain(): Promise<void> {
    this.flush()
    await Promise.all([...this.inFlight])
  }
}
