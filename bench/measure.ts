import { performance } from 'node:perf_hooks'

/**
 * One timed run: how many operations (tasks) in how many milliseconds. `cpuMs` is the CPU time
 * (user + system) this process spent meanwhile: the host's share, since the queue runs here. On a
 * machine shared with other work it moves less than wall time, so it is the steadier figure for
 * before/after comparisons.
 */
export type Timing = {
  ops: number
  ms: number
  opsPerSec: number
  cpuMs?: number
  latency?: { p50: number; p99: number }
  /** livequeue: LiveStore commits and events during the measure, per task. */
  perTask?: { commits: number; events: number }
}

const cpuMsSince = (start: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(start)
  return (d.user + d.system) / 1000
}

/** Operations per second for `ops` operations in `ms` milliseconds. */
export const opsPerSec = (ops: number, ms: number): number => (ms > 0 ? (ops * 1000) / ms : Number.POSITIVE_INFINITY)

/** Times `fn` (sync or async) once with `performance.now()`; `ops` is how much work it did. */
export const measure = async (ops: number, fn: () => unknown): Promise<Timing> => {
  const cpu = process.cpuUsage()
  const start = performance.now()
  await fn()
  const ms = performance.now() - start
  return { ops, ms, opsPerSec: opsPerSec(ops, ms), cpuMs: cpuMsSince(cpu) }
}

/** Runs `fn` and adds the CPU time this process spent meanwhile to its timing. */
export const withCpu = async (fn: () => Promise<Timing>): Promise<Timing> => {
  const cpu = process.cpuUsage()
  const timing = await fn()
  return { ...timing, cpuMs: cpuMsSince(cpu) }
}

/** Times each of `n` calls of `fn(i)` in turn: the latencies in ms, in call order. */
export const latencies = async (n: number, fn: (i: number) => unknown): Promise<number[]> => {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const start = performance.now()
    await fn(i)
    out.push(performance.now() - start)
  }
  return out
}

/** The p-th percentile (0–100, nearest rank) of `values`; NaN when empty. */
export const percentile = (values: ReadonlyArray<number>, p: number): number => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
  return sorted[rank - 1] as number
}

export const p50 = (values: ReadonlyArray<number>): number => percentile(values, 50)
export const p99 = (values: ReadonlyArray<number>): number => percentile(values, 99)
