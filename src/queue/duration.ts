import { ValidationError } from '../errors.js'

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** Parses "250ms", "30s", "5m", "2h", "7d", "1w" or a bare number of milliseconds. */
export const parseDuration = (text: string, field: string): number => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/.exec(text)
  if (!match) throw new ValidationError({ field, reason: `"${text}" is not a duration; write e.g. 500ms, 30s, 5m, 2h or 7d` })
  return Math.round(Number(match[1]) * (UNITS[match[2] ?? 'ms'] ?? 1))
}
