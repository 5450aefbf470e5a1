import type { Queryable, Store, Unsubscribe } from '@livestore/livestore'
import type { ActivityStream, ActivityStreamOptions } from '../client/activityStream.js'
import { followLocal, type LocalActivityStream } from '../client/localFollow.js'
import type { ActivityOptions } from '../queue/activity.js'
import type { Runner } from '../queue/runners.js'
import type { TaskQueue } from '../taskQueue/TaskQueue.js'
import type { ActivityEntry, ListOptions, Page, Stats, Task } from '../queue/types.js'
import type { Schedule } from '../scheduler/types.js'
import { ReplicaReadOnly } from './errors.js'
import type { EpochFollower, EpochSwitch, SealedEpoch } from './followEpochs.js'

/** What a replica gives its epoch follower (src/replica/followEpochs.ts). */
export type EpochHooks = {
  beforeSwitch(sealed: SealedEpoch): Promise<void>
  onSwitch(info: EpochSwitch): void
}

/** Every queue operation that writes. A replica refuses each of them before reading anything. */
export const WRITE_OPERATIONS = [
  'enqueue',
  'enqueueMany',
  'cancel',
  'retry',
  'prune',
  'pause',
  'resume',
  'requeueStuck',
  'claim',
  'heartbeat',
  'progress',
  'complete',
  'fail',
  'confirmCancelled',
  'escalate',
  'runnerStarted',
  'runnerHeartbeat',
  'runnerStopped',
  'recordBreaker',
  'expireLeases',
  'fireDueSchedules',
] as const

export type WriteOperation = (typeof WRITE_OPERATIONS)[number]

const refuse = (operation: string) => () => Promise.reject(new ReplicaReadOnly({ operation }))

/**
 * A read replica of a host's queue: a LiveStore store that pulls the host's events from a sync
 * backend and materializes the same tables. Reads are the queue's own read functions (the
 * `reader` is a TaskQueue over a store that refuses commits); live subscriptions are LiveStore's.
 * Writes reject with `ReplicaReadOnly`: the host is the only writer (docs/design.md, fact 3).
 */
export class Replica {
  /** Every write rejects with `ReplicaReadOnly` (typed so that code written for a TaskQueue compiles and fails loudly). */
  readonly enqueue: (...args: unknown[]) => Promise<never> = refuse('enqueue')
  readonly enqueueMany: (...args: unknown[]) => Promise<never> = refuse('enqueueMany')
  readonly cancel: (...args: unknown[]) => Promise<never> = refuse('cancel')
  readonly retry: (...args: unknown[]) => Promise<never> = refuse('retry')
  readonly prune: (...args: unknown[]) => Promise<never> = refuse('prune')
  readonly pause: (...args: unknown[]) => Promise<never> = refuse('pause')
  readonly resume: (...args: unknown[]) => Promise<never> = refuse('resume')
  readonly requeueStuck: (...args: unknown[]) => Promise<never> = refuse('requeueStuck')
  readonly claim: (...args: unknown[]) => Promise<never> = refuse('claim')
  readonly heartbeat: (...args: unknown[]) => Promise<never> = refuse('heartbeat')
  readonly progress: (...args: unknown[]) => Promise<never> = refuse('progress')
  readonly complete: (...args: unknown[]) => Promise<never> = refuse('complete')
  readonly fail: (...args: unknown[]) => Promise<never> = refuse('fail')
  readonly confirmCancelled: (...args: unknown[]) => Promise<never> = refuse('confirmCancelled')
  readonly escalate: (...args: unknown[]) => Promise<never> = refuse('escalate')
  readonly runnerStarted: (...args: unknown[]) => Promise<never> = refuse('runnerStarted')
  readonly runnerHeartbeat: (...args: unknown[]) => Promise<never> = refuse('runnerHeartbeat')
  readonly runnerStopped: (...args: unknown[]) => Promise<never> = refuse('runnerStopped')
  readonly recordBreaker: (...args: unknown[]) => Promise<never> = refuse('recordBreaker')
  readonly expireLeases: (...args: unknown[]) => Promise<never> = refuse('expireLeases')
  readonly fireDueSchedules: (...args: unknown[]) => Promise<never> = refuse('fireDueSchedules')

  /** Schedules: read them here; setting, removing, pausing or resuming one is a write. */
  readonly schedules = {
    get: (name: string): Promise<Schedule> => this.reader.schedules.get(name),
    list: (): Promise<Schedule[]> => this.reader.schedules.list(),
    set: refuse('schedules.set'),
    remove: refuse('schedules.remove'),
    pause: refuse('schedules.pause'),
    resume: refuse('schedules.resume'),
  }

  private readonly followers = new Set<LocalActivityStream>()
  private readonly epochListeners = new Set<(info: EpochSwitch) => void>()
  private readonly epochs: EpochFollower | null
  private closed = false

  constructor(
    private readonly reader: TaskQueue,
    /** The sync backend this replica pulls from. */
    readonly syncUrl: string,
    /** Follows the host's epochs (openReplica passes `followEpochs`); without it the replica stays on its store. */
    followEpochs?: (hooks: EpochHooks) => EpochFollower,
  ) {
    this.epochs =
      followEpochs?.({
        // Every activity follower reads the sealed store to its end before the next one is swapped in.
        beforeSwitch: async (sealed) => {
          await Promise.all([...this.followers].map((f) => f.catchUp(sealed.activitySeqEnd)))
        },
        onSwitch: (info) => {
          for (const listener of [...this.epochListeners]) {
            try {
              listener(info)
            } catch {}
          }
        },
      }) ?? null
  }

  /** The store this replica reads now: after the host rotates its queue into a new epoch, the new epoch's (`livequeue-e3`). */
  get storeId(): string {
    return this.reader.store.storeId
  }

  /**
   * Called each time the replica has moved on to the next epoch's store (the host sealed the one
   * it read); reads, live queries and activity followers already use the new store. Returns an
   * unsubscribe.
   */
  onEpoch(listener: (info: EpochSwitch) => void): () => void {
    this.epochListeners.add(listener)
    return () => this.epochListeners.delete(listener)
  }

  /** Resolves once the replica is on the current epoch's store as far as the backend says (openReplica waits for it). */
  epochsSettled(): Promise<void> {
    return this.epochs?.settled() ?? Promise.resolve()
  }

  get(taskId: string): Promise<Task> {
    return this.read(() => this.reader.get(taskId))
  }
  list(opts: ListOptions = {}): Promise<Page<Task>> {
    return this.read(() => this.reader.list(opts))
  }
  stats(): Promise<Stats> {
    return this.read(() => this.reader.stats())
  }
  activity(opts: ActivityOptions = {}): Promise<ActivityEntry[]> {
    return this.read(() => this.reader.activity(opts))
  }
  runners(): Promise<Runner[]> {
    return this.read(() => this.reader.runners())
  }
  /** Read-only SQL over the replica's state tables (a single SELECT). */
  query(sql: string): Promise<{ rows: Record<string, unknown>[]; truncated: boolean }> {
    return this.read(() => this.reader.query(sql))
  }
  /** Resolves once the task is completed, failed or cancelled, as the host's events arrive. */
  wait(taskId: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Task> {
    return this.reader.wait(taskId, opts)
  }

  /**
   * A live query: `onUpdate` runs with the result now and after every synced change that
   * touches its tables. Use the labelled queries from `livequeue/schema` (`queries.latestActivity$`,
   * `queries.taskState$(id)`, …) or your own `queryDb`. It follows the replica into each new
   * epoch's store, and then runs with that store's result at once.
   */
  subscribe<T>(query: Queryable<T>, onUpdate: (value: T) => void): Unsubscribe {
    return this.reader.subscribe(query, onUpdate)
  }

  /**
   * Every activity entry after `since` (default: from now on), once, in order, as it syncs in;
   * across epochs too (activity seq keeps growing; the sealed store's last entries come before
   * the next store's). `since` older than the replica's current store: only the current store's
   * entries (a replica has no archive of sealed epochs).
   */
  followActivity(opts: Omit<ActivityStreamOptions, 'retryForMs' | 'idleMs' | 'kind'>, onEntry: (entry: ActivityEntry) => void): ActivityStream {
    // Its reads go through `activity` above, so one landing on a store that just died waits for the new one.
    const queue = this.reader
    const reader = {
      get store() {
        return queue.store
      },
      subscribe: queue.subscribe.bind(queue),
      activity: (o: ActivityOptions) => this.activity(o),
    }
    const stream = followLocal(reader, opts, onEntry)
    this.followers.add(stream)
    void stream.done.finally(() => this.followers.delete(stream)).catch(() => {})
    return stream
  }

  /** The LiveStore store, for reads only (devtools, your own queries). It changes at each epoch (`onEpoch`). Committing to it breaks the single-writer rule. */
  get store(): Store<any> {
    return this.reader.store
  }

  close(): Promise<void> {
    this.closed = true
    return this.reader.close()
  }

  /**
   * A read; one that meets a store LiveStore just shut down (its sync died, and the replica is
   * opening it again: src/replica/followEpochs.ts) waits for the new store and reads again.
   */
  private async read<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn()
      } catch (error) {
        if (this.closed || attempt >= 4 || !/shut down/.test(String((error as Error)?.message ?? error))) throw error
        // The follower hears of the death a moment after reads start failing.
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt))
        await this.epochsSettled()
      }
    }
  }
}
