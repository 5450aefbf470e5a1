import { Options } from '@effect/cli'
import { Effect, Option } from 'effect'
import { BackoffStrategy } from '../../events/shapes.js'
import { MAX_TIMEOUT_MS } from '../limits.js'
import type { EnqueueInput } from '../queue/types.js'
import { UsageError } from './errors.js'
import { durationOption, integerField, payloadFileOption, payloadOption, priorityOption, tagsOption, textField } from './parse.js'

/** The options that describe a task's content and retry policy: shared by `enqueue` and `schedule set`. */
export const taskOptions = {
  payload: Options.optional(payloadOption),
  payloadFile: Options.optional(payloadFileOption),
  priority: Options.optional(priorityOption),
  queue: Options.optional(textField('queue', 'queue', 'QUEUE', 'Named queue. (Default: default)')),
  maxAttempts: Options.optional(integerField('max-attempts', 'maxAttempts', 'Attempts in all, the first included, 1–1000. (Default: 3)')),
  timeout: Options.optional(durationOption('timeout', 'Abort the handler after this long: 30s, 5m, 2h; at most 30d. (Default: none)', MAX_TIMEOUT_MS)),
  backoff: Options.optional(
    Options.choice('backoff', BackoffStrategy.literals).pipe(Options.withDescription('Retry backoff strategy. (Default: exponential)')),
  ),
  tags: tagsOption,
}

type TaskOptions = {
  payload: Option.Option<unknown>
  payloadFile: Option.Option<unknown>
  priority: Option.Option<string | number>
  queue: Option.Option<string>
  maxAttempts: Option.Option<unknown>
  timeout: Option.Option<number>
  backoff: Option.Option<(typeof BackoffStrategy.literals)[number]>
  tags: ReadonlyArray<string>
}

type TaskFields = Pick<EnqueueInput, 'payload' | 'priority' | 'queue' | 'maxAttempts' | 'timeoutMs' | 'backoff' | 'tags'>

/** The task fields the command line gave (only those), or a usage error for conflicting options. */
export const taskFields = (c: TaskOptions): Effect.Effect<TaskFields, UsageError> => {
  if (Option.isSome(c.payload) && Option.isSome(c.payloadFile)) {
    return Effect.fail(new UsageError({ reason: 'give either --payload or --payload-file, not both' }))
  }
  const fields: TaskFields = {}
  const payload = Option.orElse(c.payload, () => c.payloadFile)
  if (Option.isSome(payload)) fields.payload = payload.value
  if (Option.isSome(c.priority)) fields.priority = c.priority.value as EnqueueInput['priority']
  if (Option.isSome(c.queue)) fields.queue = c.queue.value
  if (Option.isSome(c.maxAttempts)) fields.maxAttempts = c.maxAttempts.value as number
  if (Option.isSome(c.timeout)) fields.timeoutMs = c.timeout.value
  if (Option.isSome(c.backoff)) fields.backoff = c.backoff.value
  if (c.tags.length > 0) fields.tags = [...c.tags]
  return Effect.succeed(fields)
}
