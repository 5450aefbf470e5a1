import { events } from '../../events/index.js'
import { ValidationError } from '../errors.js'
import { newId } from '../ids.js'
import { MAX_ERROR_MESSAGE_CHARS, MAX_ERROR_STACK_CHARS, MAX_ERROR_TYPE_CHARS } from '../limits.js'
import { type QueueContext, select } from './context.js'
import { checkDependencies } from './dependencies.js'
import { taskFromRow } from './rows.js'
import type { EnqueueInput, Task } from './types.js'
import { type QueuedPayload, validateEnqueueInput } from './validateInput.js'
import type { WorkerTaskRow } from '../../schema/workerTasks.js'
import { EnqueueSpan } from '../tracing/enqueueSpan.js'
import type { TraceCarrier } from '../tracing/traceparent.js'

const keyTouch = (key: string) => `key:${key}`

/**
 * { original, error, fromTaskId, reason } around the payload: 1 level more, and the error cut to
 * its caps (≈24.8k characters, at most 6 bytes each as JSON escapes) plus 1 KiB for keys and ids.
 */
const ESCALATION_ALLOWANCE = {
  depth: 1,
  bytes: 6 * (MAX_ERROR_TYPE_CHARS + MAX_ERROR_MESSAGE_CHARS + MAX_ERROR_STACK_CHARS) + 1024,
}

/** A task as it stands right after its `TaskQueued` event (no read-back needed). */
export const taskFromQueued = (p: QueuedPayload): Task => ({
  ...p,
  payload: p.payload,
  dependsOn: [...p.dependsOn],
  tags: [...p.tags],
  metadata: { ...p.metadata },
  status: 'pending',
  updatedAt: p.createdAt,
  attempts: 0,
  blockedBy: p.dependsOn.length,
  onDependencyFailure: p.onDependencyFailure ?? 'cancel',
  cancelReason: null,
  traceparent: p.traceparent ?? null,
  tracestate: p.tracestate ?? null,
  result: null,
  lastError: null,
  currentExecutionId: null,
  runnerId: null,
  leaseUntil: null,
  cancelRequested: false,
  finishedAt: null,
  escalatedTo: null,
})

/**
 * Validates every input, then commits one `TaskQueued` per new task in one group commit.
 * Nothing is written unless all inputs are valid. A known idempotency key returns the existing
 * task marked `deduplicated`. Resolves once the events are persisted.
 */
export const enqueueMany = async (ctx: QueueContext, inputs: ReadonlyArray<EnqueueInput>, extra: EnqueueExtra = {}): Promise<Task[]> => {
  const span = new EnqueueSpan(extra.trace)
  try {
    const tasks = await enqueueTraced(ctx, inputs, extra, span)
    span.end(tasks.every((t) => t.deduplicated === true))
    return tasks
  } catch (error) {
    span.fail(error)
    throw error
  }
}

/**
 * Who enqueues: `escalatedFrom` (the queue's own escalation), `createdBy` (an HTTP token's name),
 * `trace` (the caller's W3C trace context when it is not the active one: an HTTP request's
 * `traceparent` header, the CLI's `TRACEPARENT`).
 */
export type EnqueueExtra = { escalatedFrom?: string; createdBy?: string; trace?: TraceCarrier }

const enqueueTraced = async (ctx: QueueContext, inputs: ReadonlyArray<EnqueueInput>, extra: EnqueueExtra, span: EnqueueSpan): Promise<Task[]> => {
  const now = ctx.now()
  const many = inputs.length !== 1
  // An escalation's payload wraps the original one (≤ the caps) in { original, error, … }: one
  // level and at most an error report's size more, so a task at the caps can still escalate.
  const allowance = extra.escalatedFrom === undefined ? {} : { payloadAllowance: ESCALATION_ALLOWANCE }
  // A declared type's defaults and payload schema; an escalation's payload is the queue's own wrapper.
  const declared = (input: unknown, index: number) => (extra.escalatedFrom === undefined ? ctx.taskTypes.prepare(input, many ? `[${index}].` : '') : input)
  const planned = inputs.map((input, index) =>
    validateEnqueueInput(declared(input, index), { maxPayloadBytes: ctx.maxPayloadBytes, now, newId, ...allowance, ...(many ? { index } : {}) }),
  )
  const at = (i: number, field: string) => (many ? `[${i}].${field}` : field)
  span.describe(planned)

  // Reads below must see writes still in the open group commit.
  ctx.owned.group.flushIfTouched(planned.flatMap((p) => [p.id, ...p.dependsOn, ...(p.idempotencyKey ? [keyTouch(p.idempotencyKey)] : [])]))

  const results: Array<Task | number | { duplicateOf: number }> = []
  const fresh: QueuedPayload[] = []
  /** The input index of each fresh task: deduplicated inputs are skipped, so errors must not use fresh's own index. */
  const inputIndex: number[] = []
  const batchKeys = new Map<string, number>()
  const batchIds = new Map<string, number>()
  for (const [i, p] of planned.entries()) {
    if (p.idempotencyKey !== null) {
      const inBatch = batchKeys.get(p.idempotencyKey)
      if (inBatch !== undefined) {
        results.push({ duplicateOf: inBatch })
        continue
      }
      const [existing] = select<WorkerTaskRow>(ctx, 'SELECT * FROM workerTasks WHERE idempotencyKey = $key', { key: p.idempotencyKey })
      if (existing) {
        results.push({ ...taskFromRow(existing), deduplicated: true })
        continue
      }
      batchKeys.set(p.idempotencyKey, fresh.length)
    }
    if (batchIds.has(p.id) || select(ctx, 'SELECT 1 FROM workerTasks WHERE id = $id', { id: p.id }).length > 0) {
      throw new ValidationError({ field: at(i, 'id'), reason: `a task with id ${p.id} already exists; leave id out to get a new one` })
    }
    batchIds.set(p.id, fresh.length)
    results.push(fresh.length)
    inputIndex.push(i)
    // Every task of the call carries the enqueue span's context: its executions are that span's children.
    fresh.push({ ...p, escalatedFrom: extra.escalatedFrom ?? null, createdBy: extra.createdBy ?? null, ...span.carrier })
  }

  checkDependencies(ctx, fresh, batchIds, (i, field) => at(inputIndex[i] ?? i, field))

  await ctx.owned.group.submit(
    fresh.map((p) => events.taskQueued(p)),
    fresh.flatMap((p) => [p.id, ...(p.idempotencyKey ? [keyTouch(p.idempotencyKey)] : [])]),
  )
  return results.map((r) =>
    typeof r === 'number'
      ? taskFromQueued(fresh[r] as QueuedPayload)
      : 'duplicateOf' in r
        ? { ...taskFromQueued(fresh[r.duplicateOf] as QueuedPayload), deduplicated: true }
        : r,
  )
}

export const enqueue = async (ctx: QueueContext, input: EnqueueInput, extra: Omit<EnqueueExtra, 'escalatedFrom'> = {}): Promise<Task> => {
  const [task] = await enqueueMany(ctx, [input], extra)
  return task as Task
}
