import { RemoteQueue } from '../client/RemoteQueue.js'
import type { EnqueueInput } from '../queue/types.js'
import type { WorkerBackend } from './backend.js'
import { completionBatcher } from './completionBatch.js'
import type { Hooks } from './hooks.js'
import { DEFAULT_HEARTBEAT_MS } from './defaults.js'
import { type BackoffOptions, type ConnectionEvents, Reconnector } from './reconnect.js'
import { watchActivity } from './remoteSignals.js'

export { isHostUnreachable } from './reconnect.js'

/** One long-poll claim waits at most this long (the host allows 30 s; a margin under proxies' idle limits). */
export const DEFAULT_CLAIM_WAIT_MS = 25_000
/** How long a handler's own `ctx.queue` call waits for an unreachable host before it throws. (Default: 60 s) */
const HANDLER_CALL_PATIENCE_MS = 60_000

export type RemoteBackendOptions = {
  /**
   * Makes a client for one long-poll claim: closing it is how a waiting claim is cut short (a
   * stop, or the claim loop re-shaping its waits) while the main client goes on reporting.
   * Without it, a cut claim is abandoned: its request runs out, and what it claims late is given back.
   */
  pollClient?: () => RemoteQueue
  /** Closed with the backend (they were made for it). (Default: false) */
  ownsClients?: boolean
  /** Told when the host stops answering and when it answers again. */
  connection?: ConnectionEvents
  /** (Default: 100 ms doubling to 5 s) */
  backoff?: BackoffOptions
  /** (Default: 25000) */
  claimWaitMs?: number
}

/** Sure not to have reached the host: a write can be repeated without doing it twice. */
const notDelivered = (e: any): boolean =>
  e?._tag === 'QueueClosed' || (e?._tag === 'HostUnreachable' && /refused|not found/.test(String(e.reason ?? e.message)))

/**
 * The worker backend over a host's HTTP API (docs/http-api.md). Pickup is by long-poll claims
 * (the host answers the moment a task is eligible); cancel requests and expired leases come
 * from the host's activity stream (SSE), with heartbeat and progress answers as the fallback.
 * No reaper here: the host runs it. Reports and registry calls are retried with backoff while
 * the host is unreachable, so handlers keep running through a host restart and their results
 * land when it is back (an execution whose lease expired meanwhile gets `accepted: false`).
 */
export const remoteBackend = (client: RemoteQueue, opts: RemoteBackendOptions = {}): WorkerBackend => {
  const net = new Reconnector(client.url, opts.connection ?? { disconnected: () => {}, reconnected: () => {} }, opts.backoff)
  const retry = <T>(fn: () => Promise<T>) => net.retry(fn)
  /**
   * A handler's own call: retried for a while, and a write only while it surely did not reach
   * the host (refused, 503), so a retry cannot enqueue twice; past that the handler decides.
   */
  const patient = <T>(fn: () => Promise<T>, write: boolean): Promise<T> =>
    net.retry(fn, { until: Date.now() + HANDLER_CALL_PATIENCE_MS, ...(write ? { when: notDelivered } : {}) })
  const completions = completionBatcher(client, retry)
  const holder = async (taskId: string, executionId: string) => {
    const task = await retry(() => client.get(taskId))
    return task.status === 'processing' && task.currentExecutionId === executionId ? task : null
  }

  return {
    kind: 'remote',
    queue: {
      enqueue: (input: EnqueueInput) => patient(() => client.enqueue(input), true),
      enqueueMany: (inputs: ReadonlyArray<EnqueueInput>) => patient(() => client.enqueueMany(inputs), true),
      get: (taskId: string) => patient(() => client.get(taskId), false),
    },
    claimWaitMs: opts.claimWaitMs ?? DEFAULT_CLAIM_WAIT_MS,
    // Cancel requests arrive on the activity stream, so heartbeats only keep leases alive.
    defaultHeartbeatMs: DEFAULT_HEARTBEAT_MS,
    now: () => client.now(),
    claimWithReports: (claims) => completions.lendClaims(claims),
    async claim(claimOpts, signal) {
      if (signal?.aborted) return []
      if (signal === undefined) return net.retry(() => client.claim(claimOpts))
      if (opts.pollClient) {
        const polls = opts.pollClient()
        const cut = () => void polls.close()
        signal.addEventListener('abort', cut, { once: true })
        try {
          return await net.retry(() => polls.claim(claimOpts), { signal })
        } finally {
          signal.removeEventListener('abort', cut)
          void polls.close()
        }
      }
      return abandonable(
        net.retry(() => client.claim(claimOpts), { signal }),
        signal,
        (late) => {
          // Claimed after we stopped waiting: give them back at once (retried now, attempt not counted).
          for (const c of late)
            void client
              .fail(c.executionId, new Error('the worker stopped waiting before the claim arrived'), { outcome: 'interrupted', runnerId: claimOpts.runnerId })
              .catch(() => {})
        },
      )
    },
    heartbeat: (executionId, o) => net.once(() => client.heartbeat(executionId, o)),
    progress: (executionId, fraction, message, o) => retry(() => client.progress(executionId, fraction, message, o)),
    complete: (executionId, result, by) => completions(executionId, result, by),
    fail: (executionId, error, o) => retry(() => client.fail(executionId, error, o)),
    confirmCancelled: (taskId, executionId) => retry(() => client.confirmCancelled(taskId, executionId)),
    // Both are safe to repeat: a line is kept once per (execution, seq); a checkpoint replaces itself.
    appendLogs: (lines, by) => retry(() => client.appendLogs(lines, by)),
    saveCheckpoint: (executionId, data, by) => retry(() => client.saveCheckpoint(executionId, data, by)),
    escalate: (input) => retry(() => client.escalate(input)),
    get: (taskId) => retry(() => client.get(taskId)),
    runnerStarted: (info) => retry(() => client.runnerStarted(info)),
    runnerHeartbeat: (runnerId) => net.once(() => client.runnerHeartbeat(runnerId)),
    runnerStopped: (runnerId) => retry(() => client.runnerStopped(runnerId)),
    recordBreaker: (change) => retry(() => client.recordBreaker(change)),
    cancelRequested: async (taskId, executionId) => (await holder(taskId, executionId))?.cancelRequested === true,
    holds: async (taskId, executionId) => (await holder(taskId, executionId)) !== null,
    watch: async (filter, signals) => watchActivity(client, filter, signals),
    giveUp: () => net.giveUp(),
    async close() {
      if (!opts.ownsClients) return
      await client.close()
    },
  }
}

/** Resolves like `answer`, or with [] once `signal` aborts; an answer after that goes to `late`. */
const abandonable = <T>(answer: Promise<T[]>, signal: AbortSignal, late: (value: T[]) => void): Promise<T[]> =>
  new Promise((resolve, reject) => {
    let abandoned = false
    const onAbort = () => {
      abandoned = true
      resolve([])
    }
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
    answer.then(
      (value) => (abandoned ? late(value) : resolve(value)),
      (error) => (abandoned ? undefined : reject(error)),
    )
  })

/** The backend `createWorker({ server, token })` builds: its own two clients, its outages told to the hooks. */
export const serverBackend = (conn: { server: string | URL; token?: string | undefined }, runnerId: string, hooks: Hooks): WorkerBackend => {
  const clientOpts = { url: String(conn.server), ...(conn.token ? { token: conn.token } : {}) }
  return remoteBackend(new RemoteQueue(clientOpts), {
    pollClient: () => new RemoteQueue(clientOpts),
    ownsClients: true,
    connection: {
      disconnected: (error) => hooks.emit('worker:disconnected', { runnerId, error }),
      reconnected: (downMs) => hooks.emit('worker:reconnected', { runnerId, downMs }),
    },
  })
}
