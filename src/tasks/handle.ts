import type { HandlerContext, Handler } from '../runtime/types.js'
import { decodeOrThrow, encodeOrThrow, type TaskDefinition } from './defineTask.js'
import { HANDLED_DEFINITION } from './marks.js'

/** A typed handler: gets the decoded payload; what it returns must fit the result schema. */
export type TypedHandler<P, R> = (payload: P, ctx: HandlerContext<P>) => Promise<R>

export { definitionOf, HANDLED_DEFINITION } from './marks.js'

/** The result did not fit the task type's result schema: the attempt fails (and is retried by its policy). */
export class InvalidResult extends Error {
  override readonly name = 'InvalidResult'
}

/** The stored payload does not fit the schema (enqueued before the type was declared, or by a host that did not know it): retries cannot help. */
class InvalidPayload extends Error {
  override readonly name = 'PermanentError'
}

/**
 * A handler for `definition`, keyed by its type, to spread into `createWorker`'s handlers:
 * `handlers: { ...handle(summarize, async (payload, ctx) => …), ...handle(report, …) }`.
 * The payload is decoded before `fn` runs (a payload that does not fit fails the task for
 * good); the result is checked and encoded when `fn` returns (one that does not fit fails the
 * attempt with `InvalidResult`, naming the field).
 */
export const handle = <T extends string, P, R>(definition: TaskDefinition<T, P, R>, fn: TypedHandler<P, R>): Record<T, Handler> => {
  const handler: Handler = async (task, ctx) => {
    let payload: P
    try {
      payload = decodeOrThrow(definition.payload, task.payload, 'payload')
    } catch (error) {
      throw new InvalidPayload(`the payload of task ${task.id} does not fit ${definition.type}'s schema: ${(error as Error).message}`)
    }
    const typedTask = { ...task, payload }
    const result = await fn(payload, { ...ctx, task: typedTask } as HandlerContext<P>)
    try {
      return encodeOrThrow(definition.result, result, 'result')
    } catch (error) {
      throw new InvalidResult(`${definition.type} returned a result that does not fit its schema: ${(error as Error).message}`)
    }
  }
  Object.defineProperty(handler, HANDLED_DEFINITION, { value: definition })
  return { [definition.type]: handler } as Record<T, Handler>
}
