import { MAX_DURATION_MS } from '../../limits.js'
import { parseDuration } from '../../queue/duration.js'
import { BadValue, type ValueCheck } from './types.js'

/**
 * Value checks without @effect/cli, shared by the parser it builds (`toEffect.ts`, `parse.ts`) and
 * the quick path (`quick/parse.ts`): a refused value is the same usage error through either.
 */

/** An integer within bounds (for `--limit`). */
export const boundedIntegerCheck =
  (name: string, min: number, max: number): ValueCheck<number> =>
  (text) => {
    const n = Number(text)
    if (/^\s*\d+\s*$/.test(text) && n >= min && n <= max) return n
    throw new BadValue(`invalid --${name}: "${text}" is not an integer ${min}–${max}`)
  }

const maxName = (max: number) => (max === MAX_DURATION_MS ? '100 years' : max % 86_400_000 === 0 ? `${max / 86_400_000} days` : `${max / 3_600_000} h`)

/** A duration ("30s", "5m", "2h", "7d", or ms) as a number of ms; at most `max` (src/limits.ts; Default: 100 years). */
export const durationCheck =
  (name: string, max = MAX_DURATION_MS): ValueCheck<number> =>
  (text) => {
    let ms: number
    try {
      ms = parseDuration(text, name)
    } catch (error) {
      throw new BadValue(`invalid --${name}: ${(error as { reason?: string }).reason ?? String(error)}`)
    }
    if (ms <= max) return ms
    throw new BadValue(`invalid --${name}: "${text}" is ${ms} ms, over the ${max}-ms cap (${maxName(max)})`)
  }

/** A duration back from now ("7d") as ms, or an ISO time as a Date: the cutoff `prune` takes. */
export const durationOrDateCheck =
  (name: string): ValueCheck<number | Date> =>
  (text) => {
    let ms: number
    try {
      ms = parseDuration(text, name)
    } catch {
      const date = new Date(text)
      if (/^\d{4}-\d{2}-\d{2}/.test(text) && Number.isFinite(date.getTime())) return date
      throw new BadValue(`invalid --${name}: "${text}" is neither a duration (500ms, 30s, 5m, 2h, 7d, 1w) nor an ISO time`)
    }
    if (ms <= MAX_DURATION_MS) return ms
    throw new BadValue(`invalid --${name}: "${text}" is ${ms} ms, over the ${MAX_DURATION_MS}-ms cap (100 years)`)
  }

/**
 * A positional value. @effect/cli takes an unknown `--flag` for a positional value, which would
 * then be reported as a confusing "unknown argument"; refuse option-like values here.
 */
export const notAnOption =
  (name: string): ValueCheck<string> =>
  (value) => {
    if (value.startsWith('-')) throw new BadValue(`unknown option ${value.split('=')[0]} (or a missing <${name}>)`)
    return value
  }
