import type { BackoffPolicy, BackoffStrategy } from '../../events/shapes.js'

/**
 * The backoff contract, written once. The delay before retry number `n` (n = 1 after the
 * first failed attempt), before jitter and capped at `maxMs`:
 *
 * | strategy      | delay                         |
 * |---------------|-------------------------------|
 * | `exponential` | baseMs × factor^(n-1)         |
 * | `linear`      | baseMs × n                    |
 * | `fixed`       | baseMs                        |
 * | `fibonacci`   | baseMs × fib(n) (1, 1, 2, 3…) |
 * | `immediate`   | 0                             |
 *
 * With `jitter`, the delay is drawn uniformly from [delay/2, delay] ("equal jitter"), which
 * spreads a burst of retries without ever retrying sooner than half the nominal delay.
 */
export const DEFAULT_BACKOFF: BackoffPolicy = {
  strategy: 'exponential',
  baseMs: 1_000,
  factor: 2,
  maxMs: 3_600_000,
  jitter: false,
}

/** Default number of attempts, the first included. (Default: 3) */
export const DEFAULT_MAX_ATTEMPTS = 3

const fib = (n: number): number => {
  let [a, b] = [1, 1]
  for (let i = 1; i < n; i++) [a, b] = [b, a + b]
  return a
}

export const nominalDelayMs = (policy: BackoffPolicy, retryNumber: number): number => {
  const n = Math.max(1, retryNumber)
  const raw = ((): number => {
    switch (policy.strategy) {
      case 'exponential':
        return policy.baseMs * policy.factor ** (n - 1)
      case 'linear':
        return policy.baseMs * n
      case 'fixed':
        return policy.baseMs
      case 'fibonacci':
        return policy.baseMs * fib(n)
      case 'immediate':
        return 0
    }
  })()
  // 0 × factor^n overflows to 0 × Infinity = NaN on an old store's factor; like Infinity, it means "the cap".
  if (Number.isNaN(raw)) return policy.maxMs
  return Math.min(policy.maxMs, Math.max(0, Math.round(raw)))
}

/** The delay actually used: nominal, with jitter applied when the policy asks for it. */
export const retryDelayMs = (policy: BackoffPolicy, retryNumber: number, random: () => number = Math.random): number => {
  const delay = nominalDelayMs(policy, retryNumber)
  // Callers clamp the time this adds up to (src/limits.ts clampTime): a stored policy may predate the bounds.
  return policy.jitter ? Math.round(delay / 2 + (random() * delay) / 2) : delay
}

export type BackoffInput = BackoffStrategy | (Partial<BackoffPolicy> & { strategy?: BackoffStrategy })

/** Fills a partial policy with the defaults. */
export const resolveBackoff = (input: BackoffInput | undefined): BackoffPolicy =>
  input === undefined ? DEFAULT_BACKOFF : typeof input === 'string' ? { ...DEFAULT_BACKOFF, strategy: input } : { ...DEFAULT_BACKOFF, ...input }
