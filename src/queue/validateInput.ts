import { ParseResult, Schema } from 'effect'
import type { taskQueued } from '../../events/task.js'
import { BackoffStrategy } from '../../events/shapes.js'
import { ValidationError } from '../errors.js'
import { DEFAULT_MAX_ATTEMPTS, resolveBackoff } from '../retry/backoff.js'
import { type EnqueueInput, PRIORITIES } from './types.js'

export type QueuedPayload = typeof taskQueued.schema.Type

/** 1 MiB: payloads are kept forever in the event log and sent to every replica. Reference large data instead. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024

/** Names of task types and queues. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/

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
  delay: Schema.optional(
    Schema.Number.pipe(Schema.finite(), Schema.nonNegative({ message: () => 'delay must be a number of ms ≥ 0' })),
  ),
  runAt: Schema.optional(Schema.ValidDateFromSelf.annotations({ message: () => 'runAt must be a valid Date' })),
  maxAttempts: Schema.optional(
    Schema.Int.pipe(Schema.between(1, 1000, { message: () => 'maxAttempts must be an integer 1–1000' })),
  ),
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
    ).annotations({
      message: () => ({
        message: 'backoff must be exponential, linear, fixed, fibonacci or immediate, or { strategy, baseMs, factor ≥ 1, maxMs, jitter }',
        override: true,
      }),
    }),
  ),
  timeoutMs: Schema.optional(
    Schema.Int.pipe(Schema.positive({ message: () => 'timeoutMs must be a positive integer number of ms' })),
  ),
  dependsOn: Schema.optional(Schema.Array(Schema.String)),
  idempotencyKey: Schema.optional(
    Schema.String.pipe(Schema.minLength(1), Schema.maxLength(256, { message: () => 'idempotencyKey must be 1–256 characters' })),
  ),
  queue: Schema.optional(Name('queue')),
  tags: Schema.optional(Schema.Array(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64)))),
  metadata: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  id: Schema.optional(
    Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_.:-]{1,128}$/, { message: () => 'id must be 1–128 letters, digits or _.:-' })),
  ),
})

const decode = Schema.decodeUnknownEither(EnqueueInputSchema, { onExcessProperty: 'error', errors: 'first' })

const fieldOf = (issuePath: ReadonlyArray<PropertyKey>): string => (issuePath.length > 0 ? issuePath.map(String).join('.') : 'input')

/** Checks shape, JSON-ness and size; returns the input with defaults resolved. Throws `ValidationError`. */
export const validateEnqueueInput = (
  input: unknown,
  opts: { maxPayloadBytes: number; now: number; newId: () => string; index?: number },
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
  const payloadJson = toJson(i.payload ?? null, `${prefix}payload`)
  const bytes = Buffer.byteLength(payloadJson)
  if (bytes > opts.maxPayloadBytes) {
    throw new ValidationError({
      field: `${prefix}payload`,
      reason: `${bytes} bytes of JSON is over the ${opts.maxPayloadBytes}-byte cap; store large data elsewhere and pass a reference`,
    })
  }
  const metadata = i.metadata ?? {}
  toJson(metadata, `${prefix}metadata`)
  const priority = typeof i.priority === 'string' ? PRIORITIES[i.priority] : (i.priority ?? PRIORITIES.normal)
  const processAfter = i.runAt !== undefined ? i.runAt.getTime() : opts.now + Math.round(i.delay ?? 0)
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
    metadata: JSON.parse(JSON.stringify(metadata)),
    escalatedFrom: null,
    createdBy: null,
  }
}

/** JSON text of a value, or a ValidationError when it is not plain JSON (functions, BigInt, cycles). */
const toJson = (value: unknown, field: string): string => {
  try {
    const text = JSON.stringify(value)
    if (text === undefined) throw new Error('not representable')
    return text
  } catch (error) {
    throw new ValidationError({ field, reason: `must be plain JSON (${(error as Error).message})` })
  }
}

/** The first schema issue, as the field it concerns and a sentence on what is wrong. */
const firstIssue = (error: ParseResult.ParseError): { field: string; reason: string } => {
  const [first] = ParseResult.ArrayFormatter.formatErrorSync(error)
  return first ? { field: fieldOf(first.path), reason: first.message } : { field: 'input', reason: error.message }
}
