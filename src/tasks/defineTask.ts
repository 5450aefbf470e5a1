import { Either, Schema } from 'effect'
import { ValidationError } from '../errors.js'
import type { EnqueueInput, Task } from '../queue/types.js'
import { TASK_DEFINITION } from './marks.js'
import { firstSchemaIssue } from './schemaIssue.js'

/** Options a definition sets for every task of its type; an enqueue's own options win. */
export type TaskDefaults = Pick<EnqueueInput, 'priority' | 'maxAttempts' | 'backoff' | 'timeoutMs' | 'queue' | 'tags' | 'metadata' | 'onDependencyFailure'>

/** Everything `enqueue` takes besides the type and the payload. */
export type TaskOptions = Omit<EnqueueInput, 'type' | 'payload'>

/** What `enqueue` needs of a queue: `TaskQueue`, `RemoteQueue` and a handler's `ctx.queue` all fit. */
export type Enqueuer = { enqueue(input: EnqueueInput): Promise<Task> }

/** A schema whose values are plain JSON once encoded, needing no Effect context. */
export type TaskSchema<A> = Schema.Schema<A, any, never>

export { isTaskDefinition, TASK_DEFINITION } from './marks.js'

/**
 * A task type declared once: its name, the schemas of its payload and result (Effect Schema),
 * and default options. `P` and `R` are the payload's and result's types in code; what is stored
 * is their encoded JSON (a `Schema.Date` travels as an ISO string).
 */
export interface TaskDefinition<T extends string = string, P = any, R = any> {
  readonly [TASK_DEFINITION]: true
  readonly type: T
  readonly payload: TaskSchema<P>
  readonly result: TaskSchema<R>
  readonly defaults: TaskDefaults
  /**
   * The enqueue input for `payload` (checked and encoded; `ValidationError` naming the field
   * otherwise), with the defaults under `options`: for `enqueueMany`, or any client.
   */
  input(payload: P, options?: TaskOptions): EnqueueInput
  /** Enqueues one task of this type on `queue`. Resolves once it is persisted. */
  enqueue(queue: Enqueuer, payload: P, options?: TaskOptions): Promise<Task>
  /**
   * The decoded result of a completed task of this type (`queue.wait`, `ctx.dependencies`);
   * `ValidationError` if the task is of another type, not completed, or its result does not fit.
   */
  resultOf(task: { id: string; type: string | null; status: string; result: unknown }): R
}

export type PayloadOf<D> = D extends TaskDefinition<string, infer P, any> ? P : never
export type ResultOf<D> = D extends TaskDefinition<string, any, infer R> ? R : never

const strict = { errors: 'first', onExcessProperty: 'error' } as const

/** Encodes `value` with `schema` (which checks it), or throws a `ValidationError` under `root`. */
export const encodeOrThrow = <A>(schema: TaskSchema<A>, value: unknown, root: string): unknown => {
  const encoded = Schema.encodeUnknownEither(schema, strict)(value)
  if (Either.isLeft(encoded)) throw new ValidationError(firstSchemaIssue(encoded.left, root))
  return encoded.right
}

/** Decodes stored JSON with `schema`, or throws a `ValidationError` under `root`. */
export const decodeOrThrow = <A>(schema: TaskSchema<A>, value: unknown, root: string): A => {
  const decoded = Schema.decodeUnknownEither(schema, strict)(value)
  if (Either.isLeft(decoded)) throw new ValidationError(firstSchemaIssue(decoded.left, root))
  return decoded.right
}

/**
 * Declares a task type. Use it to enqueue (`summarize.enqueue(queue, { text })`), to handle
 * (`handle(summarize, async (payload, ctx) => …)` in `createWorker`'s handlers) and to read
 * results (`summarize.resultOf(task)`), typed end to end:
 *
 * ```ts
 * const summarize = defineTask({
 *   type: 'summarize',
 *   payload: Schema.Struct({ text: Schema.String }),
 *   result: Schema.Struct({ summary: Schema.String }),
 *   defaults: { priority: 'high', maxAttempts: 5 },
 * })
 * ```
 */
export const defineTask = <const T extends string, PS extends TaskSchema<any>, RS extends TaskSchema<any>>(spec: {
  type: T
  payload: PS
  result: RS
  defaults?: TaskDefaults
}): TaskDefinition<T, Schema.Schema.Type<PS>, Schema.Schema.Type<RS>> => {
  const defaults = { ...spec.defaults }
  const definition: TaskDefinition<T, Schema.Schema.Type<PS>, Schema.Schema.Type<RS>> = {
    [TASK_DEFINITION]: true,
    type: spec.type,
    payload: spec.payload,
    result: spec.result,
    defaults,
    input: (payload, options = {}) => ({ ...defaults, ...options, type: spec.type, payload: encodeOrThrow(spec.payload, payload, 'payload') }),
    enqueue: (queue, payload, options) => {
      try {
        return queue.enqueue(definition.input(payload, options))
      } catch (error) {
        return Promise.reject(error)
      }
    },
    resultOf: (task) => {
      if (task.type !== spec.type) {
        throw new ValidationError({ field: 'type', reason: `task ${task.id} is a ${task.type ?? 'missing task'}, not a ${spec.type}` })
      }
      if (task.status !== 'completed') {
        throw new ValidationError({ field: 'status', reason: `task ${task.id} is ${task.status}, so it has no result` })
      }
      return decodeOrThrow(spec.result, task.result, 'result')
    },
  }
  return definition
}
