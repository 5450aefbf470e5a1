import { ParseResult, Schema } from 'effect'
import type { taskQueued } from '../../events/task.js'
import { BackoffStrategy } from '../../events/shapes.js'
import { ValidationError } from '../errors.js'
import {
  DEFAULT_MAX_PAYLOAD_BYTES,
  LATEST_TIME_MS,
  MAX_BACKOFF_FACTOR,
  MAX_BACKOFF_MS,
  MAX_DEPENDENCIES,
  MAX_DURATION_MS,
  MAX_JSON_DEPTH,
  MAX_METADATA_BYTES,
  MAX_TAG_CHARS,
  MAX_TAGS,
  MAX_TIMEOUT_MS,
  clampTime,
  jsonWithin,
} from '../limits.js'
import { DEFAULT_MAX_ATTEMPTS, resolveBackoff } from '../retry/backoff.js'
import { NAME_PATTERN } from './names.js'
import { type EnqueueInput, PRIORITIES } from './types.js'

export type QueuedPayload = typeof taskQueued.schema.Type

/** 1 MiB: payloads are kept forever in the event log and sent to every replica. Reference large data instead. */
export { DEFAULT_MAX_PAYLOAD_BYTES }

/** A number of ms from `min` to `max` (finite: JSON cannot carry more, and the library refuses NaN/Infinity too). */
export const MsBetween = (message: string, max: number, min = 0) =>
  Schema.Number.pipe(Schema.filter((n) => (Number.isFinite(n) && n >= min && n <= max) || `${message}; got ${n}`))

/** baseMs and maxMs up to 100 years, factor up to 100: beyond, a retry time overflows what SQLite stores. */
const backoffWithinBounds = (b: string | { baseMs?: number; factor?: number; maxMs?: number }) => {
  if (typeof b === 'string') return true
  for (const key of ['baseMs', 'maxMs'] as const) {
    const v = b[key]
    if (v !== undefined && v > MAX_BACKOFF_MS) {
      return { path: [key], message: `backoff.${key} must be a number of ms from 0 to ${MAX_BACKOFF_MS} (100 years); got ${v}` }
    }
  }
  if (b.factor !== undefined && b.factor > MAX_BACKOFF_FACTOR) {
    return { path: ['factor'], message: `backoff.factor must be a number from 1 to ${MAX_BACKOFF_FACTOR}; got ${b.factor}` }
  }
  return true
}

/** A time within 1970-01-01 … 9999-12-31: later ones cannot be stored (see src/limits.ts). */
export const inTimeRange = (d: Date) =>
  (d.getTime() >= 0 && d.getTime() <= LATEST_TIME_MS) || `runAt must be between 1970-01-01 and 9999-12-31; got ${d.toISOString()}`

export { NAME_PATTERN }

const Name = (field: string) =>
  Schema.String.pipe(
    Schema.filter((s) => NAME_PATTERN.test(s) || `${field} must be 1–128 letters, digits or _.:/- and start with a letter or digit; got "${s}"`),
  )

/** The enqueue input as the library, the CLI and HTTP accept it (Effect Schema: one source of truth). */
export const EnqueueInputSchema = Schema.Struct({
  type: Name('type'),
  payload: Schema.optional(Schema.Unknown),
  priority: Schema.optional(
    Schema.Union(Schema.Literal('critical', 'high', 'normal', 'low'), Schema.Int.pipe(Schema.between(0, 100))).annotations({
      message: () => ({ message: 'priority must be critical, high, normal, low or an integer 0–100', override: true }),
    }),
  ),
  delay: Schema.optional(MsBetween(`delay must be a number of ms ≥ 0 and at most ${MAX_DURATION_MS} (100 years)`, MAX_DURATION_MS)),
  runAt: Schema.optional(Schema.ValidDateFromSelf.annotations({ message: () => 'runAt must be a valid Date' }).pipe(Schema.filter(inTimeRange))),
  maxAttempts: Schema.optional(Schema.Int.pipe(Schema.between(1, 1000, { message: () => 'maxAttempts must be an integer 1–1000' }))),
  backoff: Schema.optional(
    Schema.Union(
      BackoffStrategy,
      Schema.Struct({
        strategy: Schema.optional(BackoffStrategy),
        baseMs: Schema.optional(Schema.Number.pipe(Schema.finite(), Schema.nonNegative())),
        factor: Schema.optional(Schema.Number.pipe(Schema.finite(), Schema.greaterThanOrEqualTo(1))),
        maxMs: Schema.optional(Schema.Number.pipe(Schema.finite(), Schema.nonNegative())),
        jitter: Schema.optional(Schema.Boolean),
      }),
    )
      .annotations({
        message: () => ({
          message: `backoff must be exponential, linear, fixed, fibonacci or immediate, or { strategy, baseMs, factor ≥ 1, maxMs, jitter }`,
          override: true,
        }),
      })
      // The bounds apart from the shape, so the answer names the number and its bound.
      .pipe(Schema.filter(backoffWithinBounds)),
  ),
  timeoutMs: Schema.optional(
    Schema.Int.pipe(
      Schema.between(1, MAX_TIMEOUT_MS, { message: () => `timeoutMs must be a positive integer number of ms, at most ${MAX_TIMEOUT_MS} (30 days)` }),
    ),
  ),
  dependsOn: Schema.optional(
    Schema.Array(Schema.String).pipe(Schema.maxItems(MAX_DEPENDENCIES, { message: () => `dependsOn may list at most ${MAX_DEPENDENCIES} tasks` })),
  ),
  onDependencyFailure: Schema.optional(
    Schema.Literal('cancel', 'run').annotations({
      message: () => ({ message: 'onDependencyFailure must be cancel or run', override: true }),
    }),
  ),
  idempotencyKey: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(256, { message: () => 'idempotencyKey must be 1–256 characters' }))),
  queue: Schema.optional(Name('queue')),
  tags: Schema.optional(
    Schema.Array(
      Schema.String.pipe(Schema.minLength(1), Schema.maxLength(MAX_TAG_CHARS, { message: () => `each tag must be 1–${MAX_TAG_CHARS} characters` })),
    ).pipe(Schema.maxItems(MAX_TAGS, { message: () => `at most ${MAX_TAGS} tags` })),
  ),
  metadata: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  id: Schema.optional(Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_.:-]{1,128}$/, { message: () => 'id must be 1–128 letters, digits or _.:-' }))),
})

const decode = Schema.decodeUnknownEither(EnqueueInputSchema, { onExcessProperty: 'error', errors: 'first' })

const fieldOf = (issuePath: ReadonlyArray<PropertyKey>): string => (issuePath.length > 0 ? issuePath.map(String).join('.') : 'input')

/** Checks shape, JSON-ness, depth and size; returns the input with defaults resolved. Throws `ValidationError`. */
export const validateEnqueueInput = (
  input: unknown,
  opts: {
    maxPayloadBytes: number
    now: number
    newId: () => string
    index?: number
    /** (Default: MAX_METADATA_BYTES; a schedule's template leaves room for the keys each fire adds) */
    maxMetadataBytes?: number
    /** Extra room for a payload the queue builds around a user's one (an escalation wraps the original payload and its error). */
    payloadAllowance?: { bytes: number; depth: number }
  },
): QueuedPayload => {
  const prefix = opts.index === undefined ? '' : `[${opts.index}].`
  const result = decode(input)
  if (result._tag === 'Left') {
    const issues = firstIssue(result.left)
    throw new ValidationError({ field: prefix + issues.field, reason: issues.reason })
  }
  const i = result.right as EnqueueInput
  if (i.delay !== undefined && i.runAt !== undefined) {
    throw new ValidationError({ field: `${prefix}runAt`, reason: 'give either delay or runAt, not both' })
  }
  const allowance = opts.payloadAllowance ?? { bytes: 0, depth: 0 }
  const payloadJson = jsonWithin(i.payload ?? null, `${prefix}payload`, {
    maxBytes: opts.maxPayloadBytes + allowance.bytes,
    maxDepth: MAX_JSON_DEPTH + allowance.depth,
  })
  const metadataJson = jsonWithin(i.metadata ?? {}, `${prefix}metadata`, { maxBytes: opts.maxMetadataBytes ?? MAX_METADATA_BYTES })
  const priority = typeof i.priority === 'string' ? PRIORITIES[i.priority] : (i.priority ?? PRIORITIES.normal)
  // Bounded above (delay ≤ 100 years, runAt ≤ 9999-12-31); clamped for a clock set past year 9899.
  const processAfter = clampTime(i.runAt !== undefined ? i.runAt.getTime() : opts.now + Math.round(i.delay ?? 0))
  const dependsOn = [...new Set(i.dependsOn ?? [])]
  return {
    id: i.id ?? opts.newId(),
    type: i.type,
    queue: i.queue ?? 'default',
    payload: JSON.parse(payloadJson),
    priority,
    processAfter,
    createdAt: opts.now,
    maxAttempts: i.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    backoff: resolveBackoff(i.backoff),
    timeoutMs: i.timeoutMs ?? null,
    dependsOn,
    idempotencyKey: i.idempotencyKey ?? null,
    tags: [...(i.tags ?? [])],
    metadata: JSON.parse(metadataJson),
    escalatedFrom: null,
    createdBy: null,
    // Only `run` travels in the event: absent means `cancel`, and older events replay unchanged.
    ...(i.onDependencyFailure === 'run' ? { onDependencyFailure: 'run' as const } : {}),
  }
}

/** The first schema issue, as the field it concerns and a sentence on what is wrong. */
const firstIssue = (error: ParseResult.ParseError): { field: string; reason: string } => {
  const [first] = ParseResult.ArrayFormatter.formatErrorSync(error)
  return first ? { field: fieldOf(first.path), reason: first.message } : { field: 'input', reason: error.message }
}
