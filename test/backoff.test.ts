import { describe, expect, it } from 'vitest'
import type { BackoffPolicy } from '../events/shapes.js'
import { DEFAULT_BACKOFF, nominalDelayMs, resolveBackoff, retryDelayMs } from '../src/retry/backoff.js'

const policy = (p: Partial<BackoffPolicy>): BackoffPolicy => ({ ...DEFAULT_BACKOFF, jitter: false, ...p })

describe('backoff: nominal delay per strategy (src/retry/backoff.ts contract table)', () => {
  const HOUR = 3_600_000
  it.each<[string, Partial<BackoffPolicy>, number, number]>([
    // exponential: baseMs × factor^(n-1)
    ['exponential n=1', { strategy: 'exponential', baseMs: 1_000, factor: 2 }, 1, 1_000],
    ['exponential n=2', { strategy: 'exponential', baseMs: 1_000, factor: 2 }, 2, 2_000],
    ['exponential n=3', { strategy: 'exponential', baseMs: 1_000, factor: 2 }, 3, 4_000],
    ['exponential n=10', { strategy: 'exponential', baseMs: 1_000, factor: 2 }, 10, 512_000],
    ['exponential factor 3', { strategy: 'exponential', baseMs: 100, factor: 3 }, 4, 2_700],
    ['exponential fractional result is rounded', { strategy: 'exponential', baseMs: 10, factor: 1.5 }, 2, 15],
    // linear: baseMs × n
    ['linear n=1', { strategy: 'linear', baseMs: 500 }, 1, 500],
    ['linear n=3', { strategy: 'linear', baseMs: 500 }, 3, 1_500],
    ['linear ignores factor', { strategy: 'linear', baseMs: 500, factor: 10 }, 4, 2_000],
    // fixed: baseMs
    ['fixed n=1', { strategy: 'fixed', baseMs: 700 }, 1, 700],
    ['fixed n=9', { strategy: 'fixed', baseMs: 700 }, 9, 700],
    // fibonacci: baseMs × fib(n), fib = 1, 1, 2, 3, 5, 8, 13
    ['fibonacci n=1', { strategy: 'fibonacci', baseMs: 100 }, 1, 100],
    ['fibonacci n=2', { strategy: 'fibonacci', baseMs: 100 }, 2, 100],
    ['fibonacci n=3', { strategy: 'fibonacci', baseMs: 100 }, 3, 200],
    ['fibonacci n=4', { strategy: 'fibonacci', baseMs: 100 }, 4, 300],
    ['fibonacci n=5', { strategy: 'fibonacci', baseMs: 100 }, 5, 500],
    ['fibonacci n=6', { strategy: 'fibonacci', baseMs: 100 }, 6, 800],
    ['fibonacci n=7', { strategy: 'fibonacci', baseMs: 100 }, 7, 1_300],
    // immediate: 0
    ['immediate n=1', { strategy: 'immediate', baseMs: 5_000 }, 1, 0],
    ['immediate n=50', { strategy: 'immediate', baseMs: 5_000 }, 50, 0],
    // a retry number below 1 counts as the first retry
    ['retry number 0 → n=1', { strategy: 'linear', baseMs: 500 }, 0, 500],
    ['retry number -3 → n=1', { strategy: 'exponential', baseMs: 1_000, factor: 2 }, -3, 1_000],
    // the maxMs cap
    ['exponential capped', { strategy: 'exponential', baseMs: 1_000, factor: 2, maxMs: 5_000 }, 10, 5_000],
    ['exponential exactly at the cap', { strategy: 'exponential', baseMs: 1_000, factor: 2, maxMs: 4_000 }, 3, 4_000],
    ['linear capped', { strategy: 'linear', baseMs: 1_000, maxMs: 2_500 }, 3, 2_500],
    ['fixed capped', { strategy: 'fixed', baseMs: 10_000, maxMs: 1_000 }, 1, 1_000],
    ['fibonacci capped', { strategy: 'fibonacci', baseMs: 100, maxMs: 250 }, 5, 250],
    ['default policy capped at an hour', {}, 40, HOUR],
    // overflow: Infinity means "the cap", and so does 0 × Infinity = NaN
    ['factor^n overflows to Infinity', { strategy: 'exponential', baseMs: 1_000, factor: 1e308, maxMs: HOUR }, 3, HOUR],
    ['baseMs 0 × Infinity (huge factor) is the cap, not NaN', { strategy: 'exponential', baseMs: 0, factor: 1e308, maxMs: HOUR }, 3, HOUR],
    ['baseMs 0 × factor Infinity is the cap, not NaN', { strategy: 'exponential', baseMs: 0, factor: Number.POSITIVE_INFINITY, maxMs: HOUR }, 2, HOUR],
    ['baseMs 0 with a sane factor is 0', { strategy: 'exponential', baseMs: 0, factor: 2, maxMs: HOUR }, 3, 0],
    ['huge linear retry count is the cap', { strategy: 'linear', baseMs: 1e308, maxMs: HOUR }, 10, HOUR],
    ['fibonacci overflow is the cap', { strategy: 'fibonacci', baseMs: 1_000, maxMs: HOUR }, 2_000, HOUR],
    // never negative
    ['negative baseMs gives 0', { strategy: 'fixed', baseMs: -500 }, 1, 0],
  ])('%s', (_name, p, n, expected) => {
    const delay = nominalDelayMs(policy(p), n)
    expect(delay).toBe(expected)
    expect(Number.isFinite(delay)).toBe(true)
    // without jitter the delay used is the nominal one, and `random` is never drawn
    expect(
      retryDelayMs(policy(p), n, () => {
        throw new Error('random drawn without jitter')
      }),
    ).toBe(expected)
  })
})

describe('backoff: equal jitter, drawn from [d/2, d] with the injected random', () => {
  it.each<[string, Partial<BackoffPolicy>, number, number, number]>([
    ['random 0 → d/2', { strategy: 'fixed', baseMs: 1_000 }, 1, 0, 500],
    ['random 0.5 → 3d/4', { strategy: 'fixed', baseMs: 1_000 }, 1, 0.5, 750],
    ['random → 1 gives d', { strategy: 'fixed', baseMs: 1_000 }, 1, 1, 1_000],
    ['jitter applies to the exponential delay', { strategy: 'exponential', baseMs: 1_000, factor: 2 }, 3, 0, 2_000],
    ['jitter applies after the cap', { strategy: 'exponential', baseMs: 1_000, factor: 2, maxMs: 5_000 }, 10, 0, 2_500],
    ['jitter on the NaN guard stays finite', { strategy: 'exponential', baseMs: 0, factor: 1e308, maxMs: 8_000 }, 3, 0.5, 6_000],
    ['immediate stays 0', { strategy: 'immediate' }, 4, 0.7, 0],
    ['result is rounded', { strategy: 'fixed', baseMs: 1_001 }, 1, 0, 501],
  ])('%s', (_name, p, n, r, expected) => {
    expect(retryDelayMs(policy({ ...p, jitter: true }), n, () => r)).toBe(expected)
  })

  it('every draw lands in [d/2, d] and the spread covers the range', () => {
    const p = policy({ strategy: 'fibonacci', baseMs: 250, jitter: true })
    let seed = 42
    const lcg = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed / 2 ** 31
    }
    for (const n of [1, 2, 5, 8]) {
      const d = nominalDelayMs(p, n)
      const draws = Array.from({ length: 500 }, () => retryDelayMs(p, n, lcg))
      for (const x of draws) {
        expect(x).toBeGreaterThanOrEqual(Math.floor(d / 2))
        expect(x).toBeLessThanOrEqual(d)
      }
      // not collapsed to one value: the draws spread over most of the interval
      expect(Math.max(...draws) - Math.min(...draws)).toBeGreaterThan((d / 2) * 0.8)
    }
  })
})

describe('backoff: resolveBackoff fills a partial policy with the defaults', () => {
  it.each<[string, Parameters<typeof resolveBackoff>[0], BackoffPolicy]>([
    ['undefined → default', undefined, DEFAULT_BACKOFF],
    ['a strategy name', 'linear', { ...DEFAULT_BACKOFF, strategy: 'linear' }],
    ['a partial policy', { baseMs: 50, jitter: true }, { ...DEFAULT_BACKOFF, baseMs: 50, jitter: true }],
  ])('%s', (_name, input, expected) => {
    expect(resolveBackoff(input)).toEqual(expected)
  })
})
