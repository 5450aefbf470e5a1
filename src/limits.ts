import { ValidationError } from './errors.js'

/**
 * Every bound on what livequeue accepts, in one place (the README's table is this file).
 *
 * Why bounds at all: the state tables are STRICT SQLite tables whose time columns are INTEGER.
 * A number past 2^63 (1e20 ms, say) arrives as a REAL and SQLite refuses to store it; a
 * materializer that throws shuts the whole LiveStore store down, and replaying the event on
 * restart throws again. JSON nested past SQLite's JSON_MAX_DEPTH (1000) is "malformed JSON" to
 * the materializers' json_each. So every number that becomes a stored time is bounded here,
 * every JSON value has a depth and a size cap, and every time computed from stored data (a
 * retry, a lease) is clamped, so even an old store holding absurd values keeps working.
 */

const DAY_MS = 86_400_000

/** 100 years: the longest delay, duration or backoff. now (≈1.8e12) + this ≈ 5e12 ms, far below 2^53 ≈ 9e15. */
export const MAX_DURATION_MS = 100 * 365 * DAY_MS + 25 * DAY_MS

/** 9999-12-31T23:59:59.999Z: the latest time stored (runAt, processAfter, leaseUntil, retry times). */
export const LATEST_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

/** A claim's lease, heartbeat extensions included: 1 ms to 24 h (a worker heartbeats well within it). */
export const MIN_LEASE_MS = 1
export const MAX_LEASE_MS = DAY_MS
/** How long a claim holds its task without a heartbeat. (Default: 2 min) Here, free of LiveStore, for remote workers. */
export const DEFAULT_LEASE_MS = 120_000

/** A handler's timeout: at most 30 days (a longer job should checkpoint and re-enqueue). */
export const MAX_TIMEOUT_MS = 30 * DAY_MS

/** A worker's `retryAfterMs` (a `RetryAfter`): at most the longest delay. */
export const MAX_RETRY_AFTER_MS = MAX_DURATION_MS

/** Backoff: baseMs and maxMs at most the longest delay; factor 1–100 (×100 per retry already reaches the cap in 7 retries). */
export const MAX_BACKOFF_MS = MAX_DURATION_MS
export const MAX_BACKOFF_FACTOR = 100

/** JSON values (payload, result, metadata): at most 64 levels of arrays/objects. SQLite's own limit is 1000. */
export const MAX_JSON_DEPTH = 64

/** Payload and result: 1 MiB of JSON (the queue's `maxPayloadBytes` option may lower or raise it). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024

/** Metadata: 64 KiB of JSON; it is copied into every listing, so it is for labels, not data. */
export const MAX_METADATA_BYTES = 64 * 1024

/** A schedule's task metadata leaves this much room for the keys each fire adds (schedule, slot, missedSlots ≈ 190 bytes). */
export const SCHEDULE_METADATA_RESERVE_BYTES = 512

/**
 * A failure report is never refused for its length (the failure would be lost): longer texts
 * are cut to these many characters, with a marker saying how much was cut.
 */
export const MAX_ERROR_TYPE_CHARS = 256
export const MAX_ERROR_MESSAGE_CHARS = 8 * 1024
export const MAX_ERROR_STACK_CHARS = 16 * 1024

/** A progress message: 1000 characters (it is shown in one line of the activity stream). */
export const MAX_PROGRESS_MESSAGE_CHARS = 1000

/**
 * Kept logs (`ctx.log`, issue 15): per execution, the newest 1,000 lines and at most 256 KiB of
 * messages and fields; older lines are dropped (and counted as dropped). A line is never refused
 * for its length: its message is cut to 8 KiB characters; its fields (a JSON object) may hold
 * 16 KiB of JSON. One batch (one request, one event) carries at most 10,000 lines.
 */
export const MAX_LOG_LINES_PER_EXECUTION = 1_000
export const MAX_LOG_BYTES_PER_EXECUTION = 256 * 1024
export const MAX_LOG_MESSAGE_CHARS = 8 * 1024
export const MAX_LOG_FIELDS_BYTES = 16 * 1024
export const MAX_LOG_LINES_PER_BATCH = 10_000

/** A checkpoint (`ctx.saveCheckpoint`): 256 KiB of JSON; each save is an event kept forever, so keep it to what a resume needs. */
export const MAX_CHECKPOINT_BYTES = 256 * 1024

/** Tags: at most 32 per task, each 1–64 characters. */
export const MAX_TAGS = 32
export const MAX_TAG_CHARS = 64

/** dependsOn: at most 1000 task ids per task. */
export const MAX_DEPENDENCIES = 1000

/** A runner id: 1–200 characters. */
export const MAX_RUNNER_ID_CHARS = 200

/** A schedule's interval: 1 s to the longest delay. */
export const MIN_SCHEDULE_EVERY_MS = 1_000
export const MAX_SCHEDULE_EVERY_MS = MAX_DURATION_MS

const human = (ms: number): string =>
  ms === MAX_DURATION_MS ? '100 years' : ms % DAY_MS === 0 ? `${ms / DAY_MS} days` : ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`

/** A whole number of ms in [min, max], or a ValidationError that says the bound. */
export const boundedMs = (value: unknown, field: string, max: number, min = 0): number => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new ValidationError({
      field,
      reason: `must be a number of ms from ${min} to ${max} (${human(max)}); got ${typeof value === 'number' ? value : typeof value}`,
    })
  }
  return Math.round(value)
}

/** A time (ms since the epoch) in [0, 9999-12-31], or a ValidationError that says the bound. */
export const boundedTime = (value: unknown, field: string): number => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > LATEST_TIME_MS) {
    throw new ValidationError({ field, reason: `must be a time from 1970-01-01 to 9999-12-31 (0–${LATEST_TIME_MS} ms); got ${String(value)}` })
  }
  return Math.round(value)
}

/**
 * A time computed from stored data, made storable: a whole number in [0, LATEST_TIME_MS], with
 * NaN and ±Infinity (0 × Infinity, 1e300 × 2) taken as the cap. Used where refusing is not an
 * option (the reaper), so a store holding absurd values still recovers.
 */
export const clampTime = (t: number): number => (Number.isNaN(t) || t > LATEST_TIME_MS ? LATEST_TIME_MS : t < 0 ? 0 : Math.round(t))

/** The deepest nesting of arrays/objects in a JSON text (strings skipped), counted without recursion. */
export const jsonDepth = (text: string): number => {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92)
        i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 91 || c === 123) {
      depth++
      if (depth > max) max = depth
    } else if (c === 93 || c === 125) depth--
  }
  return max
}

/**
 * The JSON text of a plain-JSON value within the caps, or a ValidationError that names the
 * field and the bound. `undefined` is not JSON (a function, a symbol) and is refused, as are
 * BigInt and cycles; a value too deep for JSON.stringify's stack is refused as too deep.
 */
export const jsonWithin = (value: unknown, field: string, caps: { maxBytes: number; maxDepth?: number }): string => {
  const maxDepth = caps.maxDepth ?? MAX_JSON_DEPTH
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch (error) {
    const tooDeep = error instanceof RangeError
    throw new ValidationError({
      field,
      reason: tooDeep ? `nested deeper than ${maxDepth} levels of arrays/objects; flatten it` : `must be plain JSON (${(error as Error).message})`,
    })
  }
  if (text === undefined) throw new ValidationError({ field, reason: `must be plain JSON (got a ${typeof value}, which JSON cannot represent)` })
  const bytes = Buffer.byteLength(text)
  if (bytes > caps.maxBytes) {
    throw new ValidationError({
      field,
      reason: `${bytes} bytes of JSON is over the ${caps.maxBytes}-byte cap; store large data elsewhere and pass a reference`,
    })
  }
  const depth = jsonDepth(text)
  if (depth > maxDepth) throw new ValidationError({ field, reason: `nested ${depth} levels deep; at most ${maxDepth} levels of arrays/objects` })
  return text
}

/** Cuts a text to `max` characters, ending with a marker that says how many were cut. */
export const truncated = (text: string, max: number): string => {
  if (text.length <= max) return text
  const marker = (cut: number) => `… [${cut} more characters truncated]`
  const keep = Math.max(0, max - marker(text.length).length)
  return text.slice(0, keep) + marker(text.length - keep)
}

/** A rate limit: 1 to 1,000,000 claims per window of 1 ms to 30 days; a `ctx.rateLimited` pause at most 30 days. */
export const MAX_RATE_LIMIT_MAX = 1_000_000
export const MAX_RATE_LIMIT_WINDOW_MS = 30 * DAY_MS
export const MAX_RATE_LIMITED_MS = 30 * DAY_MS

/**
 * A task's W3C `tracestate` (from the enqueuer's span, or the `tracestate` header): at most 512
 * characters, what W3C asks every propagator to keep; a longer one is dropped (the trace goes on
 * without it), never refused.
 */
export const MAX_TRACESTATE_CHARS = 512
