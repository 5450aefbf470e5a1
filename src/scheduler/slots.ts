import { Cron, Either } from 'effect'
import { ValidationError } from '../errors.js'

/** When a schedule fires: a cron expression (5 fields, or 6 with seconds) in a time zone, or a fixed interval. */
export type Timing = { cron: string; timeZone: string | null } | { everyMs: number; anchorAt: number }

/** Parses a cron expression with Effect's `Cron`; an error names the bad field and says why. */
export const parseCron = (expression: string, timeZone: string | null): Cron.Cron => {
  const parsed = Cron.parse(expression, timeZone ?? undefined)
  if (Either.isRight(parsed)) return parsed.right
  const reason = parsed.left.message
  if (/time zone/i.test(reason)) {
    throw new ValidationError({ field: 'timeZone', reason: `"${timeZone}" is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)` })
  }
  throw new ValidationError({
    field: 'cron',
    reason: `"${expression}": ${reason}; write 5 fields (minute hour day month weekday) or 6 with seconds first, e.g. "0 3 * * *"`,
  })
}

/** The first slot strictly after `after` (ms), or null if there is none. */
export const nextSlot = (timing: Timing, after: number): number | null => {
  if ('everyMs' in timing) {
    const k = Math.floor((after - timing.anchorAt) / timing.everyMs) + 1
    return timing.anchorAt + Math.max(1, k) * timing.everyMs
  }
  try {
    return Cron.next(parseCron(timing.cron, timing.timeZone), new Date(after)).getTime()
  } catch {
    return null // no such date within Effect's search limit (e.g. "0 0 30 2 *")
  }
}

/** At most this many slots are counted when catching up (a count, not a list of tasks). */
export const MAX_COUNTED_SLOTS = 100_000

/** The slots in (after, until]: how many, and the latest. */
export const slotsBetween = (timing: Timing, after: number, until: number): { count: number; latest: number | null } => {
  if ('everyMs' in timing) {
    const first = nextSlot(timing, after) as number
    if (first > until) return { count: 0, latest: null }
    const count = Math.floor((until - first) / timing.everyMs) + 1
    return { count, latest: first + (count - 1) * timing.everyMs }
  }
  let count = 0
  let latest: number | null = null
  for (let slot = nextSlot(timing, after); slot !== null && slot <= until && count < MAX_COUNTED_SLOTS; slot = nextSlot(timing, slot)) {
    count++
    latest = slot
  }
  return { count, latest }
}
