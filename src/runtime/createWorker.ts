import { DEFAULT_LEASE_MS } from '../limits.js'
import type { TaskQueue } from '../taskQueue/TaskQueue.js'
import type { Claim } from '../queue/types.js'
import type { WorkerBackend } from './backend.js'
import { CircuitBreakers, DEFAULT_BREAKER_COOLDOWN_MS, DEFAULT_BREAKER_THRESHOLD } from './circuitBreaker.js'
import { ClaimLoop } from './claimLoop.js'
import { Execution, type ExecutionDeps } from './execution.js'
import { Heartbeats } from './heartbeats.js'
import { Hooks } from './hooks.js'
import { LogBuffer } from './logBuffer.js'
import { validateWorkerOptions } from './options.js'
import { ValidationError } from '../errors.js'
import { isHostUnreachable, serverBackend } from './remoteBackend.js'
import { DEFAULT_RUNNER_HEARTBEAT_MS, defaultRunnerId, RunnerRegistration } from './registry.js'
import { RunningExecutions } from './running.js'
import { GracePeriod } from './shutdown.js'
import type { Worker, WorkerOptions, WorkerState } from './types.js'

export { DEFAULT_HEARTBEAT_MS } from './defaults.js'
/** (Default: 3) */
export const DEFAULT_CONCURRENCY = 3
/** The core's claim lease. (Default: 2 min) */
export const DEFAULT_WORKER_LEASE_MS = DEFAULT_LEASE_MS
/** (Default: 30 s) */
export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000

/**
 * A worker runtime: claims the handlers' task types reactively, runs up to `concurrency`
 * handlers at once, heartbeats their leases, reports every outcome, escalates, trips per-type
 * circuit breakers, and shuts down gracefully. The same runtime and handler API on a queue this
 * process owns (`queue`: it also reaps expired leases) and on a host over HTTP (`server`: the
 * host reaps). Nothing runs until `start()`.
 *
 * `localBackendOf` builds the backend on a queue this process owns. It is passed in, not imported,
 * so that this runtime loads without LiveStore: `livequeue` passes `localBackend`
 * (`runtime/localWorker.ts`); `livequeue/client` passes none and runs remote workers only.
 */
export const createWorkerRuntime = (options: WorkerOptions, localBackendOf?: (queue: TaskQueue) => WorkerBackend): Worker => {
  validateWorkerOptions(options)
  const { handlers } = options
  const types = Object.keys(handlers)
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY
  const runnerId = options.runnerId ?? defaultRunnerId()
  const leaseMs = options.leaseMs ?? DEFAULT_WORKER_LEASE_MS
  const graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS
  const hooks = new Hooks(options.hooks)
  const localOf = (queue: TaskQueue): WorkerBackend => {
    if (localBackendOf) return localBackendOf(queue)
    throw new ValidationError({
      field: 'queue',
      reason: "livequeue/client runs remote workers (`server`, `backend`); import createWorker from 'livequeue' to work on a queue this process opened",
    })
  }
  const backend: WorkerBackend =
    options.backend ?? (options.queue ? localOf(options.queue) : serverBackend({ server: options.server, token: options.token }, runnerId, hooks))
  const inFlight = new Set<Promise<void>>()
  let state: WorkerState = 'idle'
  let stopping: Promise<void> | null = null
  const grace = new GracePeriod()
  let stopWatching: (() => void) | null = null
  let registered = false

  const onError = (error: unknown, during: string) => {
    // The queue closed under a local worker, or the host stopped accepting this worker's token:
    // nothing this worker does can succeed any more.
    if ((isQueueClosed(error) && backend.kind === 'local') || isRefused(error)) return fatal(error)
    // The remote backend reports an unreachable host once, as `worker:disconnected`.
    if (isHostUnreachable(error)) return
    hooks.emit('worker:error', { runnerId, error, during })
  }
  const fatal = (error: unknown) => {
    if (state !== 'running') return
    hooks.emit('worker:fatalError', { runnerId, error })
    void worker.stop({ force: true }).catch(() => {})
  }
  const running = new RunningExecutions(backend, onError)

  const cb = options.circuitBreaker === false ? null : (options.circuitBreaker ?? {})
  const breakers = new CircuitBreakers(
    { enabled: cb !== null, threshold: cb?.threshold ?? DEFAULT_BREAKER_THRESHOLD, cooldownMs: cb?.cooldownMs ?? DEFAULT_BREAKER_COOLDOWN_MS },
    () => backend.now(),
    (type, from, to, consecutiveFailures) => {
      hooks.emit('breaker:change', { runnerId, type, from, to, consecutiveFailures })
      // Persisted so `stats()` and the activity stream show it (called outside any subscription callback).
      const reopensAt = to === 'open' ? (breakers.snapshot()[type]?.halfOpenAt ?? null) : null
      backend.recordBreaker({ runnerId, type, state: to, consecutiveFailures, reopensAt }).catch((e) => onError(e, 'breaker'))
      if (to === 'halfOpen') loop.wake()
    },
  )
  const heartbeats = new Heartbeats(backend, runnerId, options.heartbeatMs ?? backend.defaultHeartbeatMs, leaseMs, (e) => onError(e, 'heartbeat'))
  const registry = new RunnerRegistration(backend, runnerId, options.runnerHeartbeatMs ?? DEFAULT_RUNNER_HEARTBEAT_MS, (e) => onError(e, 'runner heartbeat'))

  // Kept logs: every execution's lines in one batch, about once a second (src/runtime/logBuffer.ts).
  const logs = new LogBuffer(
    (lines) => backend.appendLogs(lines, { runnerId }),
    (e) => onError(e, 'logs'),
    { serial: backend.kind === 'remote' },
  )

  const executionDeps: ExecutionDeps = {
    backend,
    runnerId,
    hooks,
    heartbeats,
    logs,
    leaseMs,
    escalation: options.escalation,
    onVerdict: (type, verdict) => (verdict === 'success' ? breakers.success(type) : verdict === 'failure' ? breakers.failure(type) : breakers.neutral(type)),
    onError,
    onReportSubmitted: () => {
      if (backend.kind === 'local') loop.wakeNow()
    },
  }

  const launch = (claim: Claim) => {
    const exec = new Execution(claim, handlers[claim.task.type]!, executionDeps)
    running.add(exec)
    const done: Promise<void> = exec.run().finally(() => {
      running.delete(exec)
      inFlight.delete(done)
      loop.wake() // a freed slot claims at once
    })
    inFlight.add(done)
  }

  const loop = new ClaimLoop({
    backend,
    runnerId,
    types,
    queues: options.queues,
    concurrency,
    concurrencyPerType: options.concurrencyPerType ?? {},
    leaseMs,
    breakers,
    // A local worker's slot is free once its completion is submitted: the claim that refills it
    // shares the completion's group commit (one commit per round instead of two).
    runningByType: (withReporting) => running.byType(withReporting ?? backend.kind !== 'local'),
    reporting: () => running.reporting(),
    launch,
    onError: (e) => onError(e, 'claim'),
  })

  backend.claimWithReports?.({ claim: () => loop.claimForReports(), claimed: (claims) => loop.launchClaimed(claims) })

  const shutdown = async (): Promise<void> => {
    hooks.emit('worker:stopping', { runnerId, running: running.size })
    await loop.stop()
    await grace.drain(inFlight, () => running.values(), graceMs)
    heartbeats.dispose()
    await logs.dispose()
    stopWatching?.()
    breakers.dispose()
    if (registered) await registry.stopped().catch((e) => hooks.emit('worker:error', { runnerId, error: e, during: 'stop' }))
    await backend.close().catch((e) => hooks.emit('worker:error', { runnerId, error: e, during: 'stop' }))
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
        registered = true
      } catch (error) {
        if (state !== 'running') return // stopped while waiting for the host: the stop finishes
        state = 'stopped'
        await backend.close().catch(() => {})
        throw error
      }
      if (state !== 'running') return // stopped while registering
      const stop = await backend.watch(
        { types, queues: options.queues },
        {
          wake: () => loop.wake(),
          wakeNow: () => loop.wakeNow(),
          cancelRequested: (refs) => running.cancelRequested(refs),
          leaseLost: (refs) => running.leaseLost(refs),
          error: onError,
        },
      )
      // stop() ran while the signals started: undo what shutdown could not see yet.
      if (state !== 'running') return stop()
      stopWatching = stop
      loop.start()
      hooks.emit('worker:start', { runnerId, types, concurrency })
    },
    stop(opts = {}) {
      // A forced stop does not wait for an unreachable host to come back, nor does a stop
      // before the host ever answered (there is nothing to report yet).
      if (opts.force || (state === 'running' && !registered)) backend.giveUp()
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

const tagOf = (error: unknown): unknown => (error as { _tag?: unknown } | null)?._tag
const isQueueClosed = (error: unknown): boolean => tagOf(error) === 'QueueClosed'
/** HTTP 401/403 from the host (a revoked token, a role that may not work). */
const isRefused = (error: unknown): boolean => tagOf(error) === 'Unauthorized' || tagOf(error) === 'Forbidden'
