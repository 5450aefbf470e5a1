import { ValidationError } from '../errors.js'
import { MAX_LEASE_MS, MIN_LEASE_MS } from '../limits.js'
import type { WorkerOptions } from './types.js'

const isInt = (n: unknown, min: number): boolean => typeof n === 'number' && Number.isInteger(n) && n >= min
const isUrl = (u: unknown): boolean => {
  try {
    return ['http:', 'https:'].includes(new URL(String(u)).protocol)
  } catch {
    return false
  }
}
const isMs = (n: unknown, min: number): boolean => typeof n === 'number' && Number.isFinite(n) && n >= min

/** Checks the options before anything starts; a bad option throws `ValidationError` naming it. */
export const validateWorkerOptions = (o: WorkerOptions): void => {
  const bad = (field: string, reason: string) => {
    throw new ValidationError({ field, reason })
  }
  const given = (['queue', 'server', 'backend'] as const).filter((k) => o[k] !== undefined && o[k] !== null)
  if (given.length !== 1) bad('queue', `give exactly one of queue (a TaskQueue), server (the host's URL) or backend; got ${given.join(', ') || 'none'}`)
  if (o.server !== undefined && !isUrl(o.server)) bad('server', `must be an http(s) URL such as http://127.0.0.1:7420; got ${String(o.server)}`)
  if (o.token !== undefined && (typeof o.token !== 'string' || o.token.length === 0)) bad('token', 'must be a non-empty string')
  const types = Object.keys(o.handlers ?? {})
  if (types.length === 0) bad('handlers', 'give at least one task type → handler')
  for (const t of types) if (typeof o.handlers[t] !== 'function') bad(`handlers.${t}`, 'must be an async function (task, ctx) => result')
  if (o.concurrency !== undefined && !(isInt(o.concurrency, 1) && o.concurrency <= 1000)) bad('concurrency', 'must be an integer 1–1000')
  for (const [t, n] of Object.entries(o.concurrencyPerType ?? {})) {
    if (!isInt(n, 0)) bad(`concurrencyPerType.${t}`, 'must be an integer ≥ 0')
  }
  if (o.heartbeatMs !== undefined && !isMs(o.heartbeatMs, 1)) bad('heartbeatMs', 'must be a number of ms ≥ 1')
  // The queue refuses any other lease (src/limits.ts): every heartbeat would be refused.
  if (o.leaseMs !== undefined && !(isInt(o.leaseMs, MIN_LEASE_MS) && o.leaseMs <= MAX_LEASE_MS)) {
    bad('leaseMs', `must be an integer number of ms from ${MIN_LEASE_MS} to ${MAX_LEASE_MS} (24 h)`)
  }
  if (o.shutdownGraceMs !== undefined && !isMs(o.shutdownGraceMs, 0)) bad('shutdownGraceMs', 'must be a number of ms ≥ 0')
  if (o.runnerHeartbeatMs !== undefined && !isMs(o.runnerHeartbeatMs, 1)) bad('runnerHeartbeatMs', 'must be a number of ms ≥ 1')
  if (o.runnerId !== undefined && (typeof o.runnerId !== 'string' || o.runnerId.length === 0)) bad('runnerId', 'must be a non-empty string')
  if (o.circuitBreaker) {
    const { threshold, cooldownMs } = o.circuitBreaker
    if (threshold !== undefined && !isInt(threshold, 1)) bad('circuitBreaker.threshold', 'must be an integer ≥ 1')
    if (cooldownMs !== undefined && !isMs(cooldownMs, 0)) bad('circuitBreaker.cooldownMs', 'must be a number of ms ≥ 0')
  }
  for (const [t, rule] of Object.entries(o.escalation ?? {})) {
    for (const key of ['onFailure', 'onTimeout'] as const) {
      const target = rule?.[key]
      if (target !== undefined && (typeof target !== 'string' || target.length === 0)) bad(`escalation.${t}.${key}`, 'must be a task type')
      if (target === t) bad(`escalation.${t}.${key}`, 'must be another type (escalating to itself would loop)')
    }
  }
}
