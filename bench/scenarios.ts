import { openSqliteRemote } from './baseline/remoteSubject.js'
import type { Synchronous } from './baseline/sqliteQueue.js'
import { openLivequeueRemote } from './livequeue/remoteSubject.js'
import type { OpenSubject } from './subject.js'
import { endToEndAwaited, enqueueWhileBusy } from './worker/awaited.js'
import { delayedStart, endToEnd, pickupLatency } from './worker/workloads.js'
import { drainAfterHistory, drainByTen, drainOneByOne, enqueueBatched, enqueueConcurrent, enqueueSequential, type Workload } from './workloads.js'

export type Scenario = {
  /** For `--only`. */
  name: string
  /** The row's label for `n` tasks. */
  label: (n: string) => string
  workload: Workload
  /** The status every task must end in. */
  expect: 'pending' | 'completed'
  /**
   * How many tasks at least end in that status when the measure did more than `n` untimed
   * (livequeue archives finished tasks when it rotates epochs, so its count may be lower, never below n). (Default: exactly n)
   */
  expectCount?: (n: number) => number
  /**
   * livequeue runs at most this many tasks: one awaited LiveStore commit per step costs ~10–25 ms
   * here, so 10,000 sequential steps would take minutes. `--uncapped` lifts it.
   */
  livequeueCap?: number
  /** The baseline runs at most this many (latency measures need no more). */
  baselineCap?: number
  /** livequeue set up another way for this measure (remote workers). (Default: in-process) */
  livequeue?: OpenSubject
  /** The baseline set up another way (remote workers over HTTP). (Default: in-process) */
  baseline?: (synchronous: Synchronous) => OpenSubject
}

/** The cap for the measures that await one commit at a time. */
export const SEQUENTIAL_CAP = 1000

export const SCENARIOS: ReadonlyArray<Scenario> = [
  {
    name: 'enqueue-concurrent',
    label: (n) => `enqueue ×${n}, all calls in flight at once`,
    workload: enqueueConcurrent,
    expect: 'pending',
  },
  {
    name: 'enqueue-sequential',
    label: (n) => `enqueue ×${n}, one at a time (await each)`,
    workload: enqueueSequential,
    expect: 'pending',
    livequeueCap: SEQUENTIAL_CAP,
  },
  {
    name: 'enqueue-many',
    label: (n) => `enqueueMany ×${n}, batches of 1,000`,
    workload: enqueueBatched,
    expect: 'pending',
  },
  {
    name: 'drain-1',
    label: (n) => `drain ${n}: claim 1 + complete, sequential`,
    workload: drainOneByOne,
    expect: 'completed',
    livequeueCap: SEQUENTIAL_CAP,
  },
  {
    name: 'drain-10',
    label: (n) => `drain ${n}: claim 10 + 10 completes at once`,
    workload: drainByTen,
    expect: 'completed',
  },
  {
    name: 'drain-history-500',
    label: (n) => `drain ${n}: claim 10 + 10 completes at once, after 500 finished tasks`,
    workload: drainAfterHistory(500),
    expect: 'completed',
    expectCount: (n) => n,
    livequeueCap: 500,
    baselineCap: 500,
  },
  {
    name: 'drain-history-10k',
    label: (n) => `drain ${n}: claim 10 + 10 completes at once, after 10,000 finished tasks`,
    workload: drainAfterHistory(10_000),
    expect: 'completed',
    // livequeue rotates into a new epoch at 10,000 finished tasks, possibly during the measure,
    // and archives what finished before: the drain itself checks it drained all n.
    expectCount: () => 0,
    livequeueCap: 500,
    baselineCap: 500,
  },
  {
    name: 'pickup',
    label: (n) => `pickup latency, idle queue, in-process worker (${n} tasks one by one)`,
    workload: pickupLatency,
    expect: 'completed',
    livequeueCap: 200,
    baselineCap: 200,
  },
  {
    name: 'delayed',
    label: (n) => `a 1 s delayed task starts after (enqueue call → handler start), in-process worker (${n} tasks one by one)`,
    workload: delayedStart,
    expect: 'completed',
    livequeueCap: 10,
    baselineCap: 10,
  },
  {
    name: 'e2e-1',
    label: (n) => `end to end ×${n}: producer + in-process worker, concurrency 1`,
    workload: endToEnd(1),
    expect: 'completed',
    livequeueCap: SEQUENTIAL_CAP,
  },
  {
    name: 'e2e-10',
    label: (n) => `end to end ×${n}: producer + in-process worker, concurrency 10`,
    workload: endToEnd(10),
    expect: 'completed',
    livequeueCap: SEQUENTIAL_CAP,
  },
  {
    name: 'e2e-20',
    label: (n) => `end to end ×${n}: producer + in-process worker, concurrency 20`,
    workload: endToEnd(20),
    expect: 'completed',
  },
  {
    name: 'pickup-remote',
    label: (n) => `pickup latency, idle queue, remote worker over HTTP (${n} tasks one by one)`,
    workload: pickupLatency,
    expect: 'completed',
    livequeueCap: 200,
    baselineCap: 200,
    livequeue: openLivequeueRemote(),
    baseline: (s) => openSqliteRemote(s),
  },
  {
    name: 'e2e-remote',
    label: (n) => `end to end ×${n}: producer + 2 remote worker processes over HTTP (10 slots each)`,
    workload: endToEnd(20),
    expect: 'completed',
    livequeue: openLivequeueRemote(),
    baseline: (s) => openSqliteRemote(s),
  },
  {
    name: 'e2e-remote-awaited',
    label: (n) => `end to end ×${n}: one producer awaiting each enqueue over HTTP + 2 remote workers × 10`,
    workload: endToEndAwaited(20),
    expect: 'completed',
    livequeueCap: SEQUENTIAL_CAP,
    baselineCap: SEQUENTIAL_CAP,
    livequeue: openLivequeueRemote({ httpProducer: true }),
    baseline: (s) => openSqliteRemote(s, { httpProducer: true }),
  },
  {
    name: 'enqueue-http-busy',
    label: () => `one awaited enqueue over HTTP while 2 remote workers × 10 drain a backlog (200 timed)`,
    workload: enqueueWhileBusy(20),
    expect: 'completed',
    livequeueCap: 2000,
    baselineCap: 2000,
    livequeue: openLivequeueRemote({ httpProducer: true }),
    baseline: (s) => openSqliteRemote(s, { httpProducer: true }),
  },
]
