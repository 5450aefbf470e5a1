import { cancelRequested$ } from '../../schema/queries.js'
import { DEFAULT_LEASE_MS } from '../queue/claim.js'
import type { Claim } from '../queue/types.js'
import { CircuitBreakers, DEFAULT_BREAKER_COOLDOWN_MS, DEFAULT_BREAKER_THRESHOLD } from './circuitBreaker.js'
import { ClaimLoop } from './claimLoop.js'
import { Execution, type ExecutionDeps } from './execution.js'
import { Heartbeats } from './heartbeats.js'
import { Hooks } from './hooks.js'
import { validateWorkerOptions } from './options.js'
import { Reaper } from './reaper.js'
import { DEFAULT_RUNNER_HEARTBEAT_MS, defaultRunnerId, RunnerRegistration } from './registry.js'
import { GracePeriod } from './shutdown.js'
import type { Worker, WorkerOptions, WorkerState } from './types.js'

/** (Default: 3) */
export const DEFAULT_CONCURRENCY = 3
/** (Default: 30 s) */
export const DEFAULT_HEARTBEAT_MS = 30_000
/** The core's claim lease. (Default: 2 min) */
export const DEFAULT_WORKER_LEASE_MS = DEFAULT_LEASE_MS
/** (Default: 30 s) */
export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000

/**
 * A worker runtime on a queue this process owns: claims the handlers' task types reactively,
 * runs up to `concurrency` handlers at once, heartbeats their leases, reaps expired leases,
 * reports every outcome, escalates, trips per-type circuit breakers, and shuts down gracefully.
 * Nothing runs until `start()`.
 */
export const createWorker = (options: WorkerOptions): Worker => {
  validateWorkerOptions(options)
  const { queue, handlers } = options
  const types = Object.keys(handlers)
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY
  const runnerId = options.runnerId ?? defaultRunnerId()
  const leaseMs = options.leaseMs ?? DEFAULT_WORKER_LEASE_MS
  const graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS
  const hooks = new Hooks(options.hooks)
  const running = new Map<string, Execution>()
  const inFlight = new Set<Promise<void>>()
  let state: WorkerState = 'idle'
  let stopping: Promise<void> | null = null
  const grace = new GracePeriod()
  let unsubscribeCancels: (() => void) | null = null

  const onError = (error: unknown, during: string) => {
    if (isQueueClosed(error)) return fatal(error)
    hooks.emit('worker:error', { runnerId, error, during })
  }
  const fatal = (error: unknown) => {
    if (state !== 'running') return
    hooks.emit('worker:fatalError', { runnerId, error })
    void worker.stop({ force: true }).catch(() => {})
  }

  const cb = options.circuitBreaker === false ? null : (options.circuitBreaker ?? {})
  const breakers = new CircuitBreakers(
    { enabled: cb !== null, threshold: cb?.threshold ?? DEFAULT_BREAKER_THRESHOLD, cooldownMs: cb?.cooldownMs ?? DEFAULT_BREAKER_COOLDOWN_MS },
    () => queue.now(),
    (type, from, to, consecutiveFailures) => {
      hooks.emit('breaker:change', { runnerId, type, from, to, consecutiveFailures })
      // Persisted so `stats()` and the activity stream show it (called outside any subscription callback).
      const reopensAt = to === 'open' ? (breakers.snapshot()[type]?.halfOpenAt ?? null) : null
      queue.recordBreaker({ runnerId, type, state: to, consecutiveFailures, reopensAt }).catch((e) => onError(e, 'breaker'))
      if (to === 'halfOpen') loop.wake()
    },
  )
  const heartbeats = new Heartbeats(queue, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS, leaseMs, (e) => onError(e, 'heartbeat'))
  const registry = new RunnerRegistration(queue, runnerId, options.runnerHeartbeatMs ?? DEFAULT_RUNNER_HEARTBEAT_MS, (e) =>
    onError(e, 'runner heartbeat'),
  )
  const reaper = new Reaper(
    queue,
    (taskIds) => {
      // Only executions that really lost their task: this worker may have re-claimed it already.
      for (const exec of running.values()) if (taskIds.includes(exec.task.id) && !holds(exec)) exec.leaseLost()
    },
    (e) => onError(e, 'reaper'),
  )
  const holds = (exec: Execution) =>
    (
      queue.store.query({
        query: `SELECT 1 FROM workerTasks WHERE id = $id AND status = 'processing' AND currentExecutionId = $executionId`,
        bindValues: { id: exec.task.id, executionId: exec.executionId },
      }) as unknown[]
    ).length > 0

  const executionDeps: ExecutionDeps = {
    queue,
    runnerId,
    hooks,
    heartbeats,
    leaseMs,
    escalation: options.escalation,
    onVerdict: (type, verdict) =>
      verdict === 'success' ? breakers.success(type) : verdict === 'failure' ? breakers.failure(type) : breakers.neutral(type),
    onError,
  }

  const launch = (claim: Claim) => {
    const exec = new Execution(claim, handlers[claim.task.type]!, executionDeps)
    running.set(exec.executionId, exec)
    const done: Promise<void> = exec.run().finally(() => {
      running.delete(exec.executionId)
      inFlight.delete(done)
      loop.wake() // a freed slot claims at once
    })
    inFlight.add(done)
  }

  const loop = new ClaimLoop({
    queue,
    runnerId,
    types,
    queues: options.queues,
    concurrency,
    concurrencyPerType: options.concurrencyPerType ?? {},
    leaseMs,
    breakers,
    runningByType: () => {
      const byType = new Map<string, number>()
      for (const e of running.values()) byType.set(e.task.type, (byType.get(e.task.type) ?? 0) + 1)
      return byType
    },
    launch,
    onError: (e) => onError(e, 'claim'),
  })

  const shutdown = async (): Promise<void> => {
    hooks.emit('worker:stopping', { runnerId, running: running.size })
    await loop.stop()
    await grace.drain(inFlight, () => running.values(), graceMs)
    heartbeats.dispose()
    reaper.stop()
    unsubscribeCancels?.()
    breakers.dispose()
    await registry.stopped().catch((e) => hooks.emit('worker:error', { runnerId, error: e, during: 'stop' }))
    state = 'stopped'
    hooks.emit('worker:stop', { runnerId })
  }

  const worker: Worker = {
    runnerId,
    types,
    state: () => state,
    running: () => running.size,
    breakers: () => breakers.snapshot(),
    on: (name, fn) => hooks.on(name, fn),
    async start() {
      if (state !== 'idle') throw new Error(`worker ${runnerId} was already started`)
      state = 'running'
      try {
        await registry.started({ types, concurrency })
      } catch (error) {
        state = 'stopped'
        throw error
      }
      if (state !== 'running') return // stopped while registering
      unsubscribeCancels = queue.store.subscribe(cancelRequested$, (rows) => {
        // Out of the subscription's update cycle: aborting runs the handler's listeners, which may commit.
        setImmediate(() => {
          for (const row of rows) if (row.currentExecutionId) running.get(row.currentExecutionId)?.cancel()
        })
      })
      await reaper.start()
      if (state !== 'running') {
        // stop() ran while the reaper started: undo what shutdown could not see yet.
        reaper.stop()
        unsubscribeCancels?.()
        return
      }
      loop.start()
      hooks.emit('worker:start', { runnerId, types, concurrency })
    },
    stop(opts = {}) {
      if (opts.force) grace.force()
      if (state === 'idle') {
        state = 'stopped'
        return Promise.resolve()
      }
      if (stopping === null) {
        state = 'stopping'
        stopping = shutdown()
      }
      return stopping
    },
  }
  return worker
}

const isQueueClosed = (error: unknown): boolean => (error as { _tag?: unknown } | null)?._tag === 'QueueClosed'
