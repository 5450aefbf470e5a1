import { Command, Options } from '@effect/cli'
import { Effect, Option } from 'effect'
import { BackoffStrategy } from '../../../events/shapes.js'
import type { EnqueueInput } from '../../queue/types.js'
import { UsageError } from '../errors.js'
import { taskSummary } from '../formatTask.js'
import { queueOptions } from '../options.js'
import {
  dateOption,
  dependsOnOption,
  durationOption,
  integerField,
  payloadFileOption,
  payloadOption,
  positional,
  priorityOption,
  tagsOption,
  textField,
} from '../parse.js'
import { queueCommand } from '../withQueue.js'

const config = {
  ...queueOptions,
  type: positional('type', 'What kind of work: the worker handler that runs it.', 'type'),
  payload: Options.optional(payloadOption),
  payloadFile: Options.optional(payloadFileOption),
  priority: Options.optional(priorityOption),
  delay: Options.optional(durationOption('delay', 'Run no sooner than this from now: 30s, 5m, 2h, 7d. (Default: 0)')),
  runAt: Options.optional(dateOption('run-at', 'Run no sooner than this ISO 8601 time (instead of --delay).')),
  maxAttempts: Options.optional(integerField('max-attempts', 'maxAttempts', 'Attempts in all, the first included, 1–1000. (Default: 3)')),
  dependsOn: dependsOnOption,
  key: Options.optional(textField('key', 'idempotencyKey', 'KEY', 'Idempotency key: a second enqueue with it returns the first task.')),
  queue: Options.optional(textField('queue', 'queue', 'QUEUE', 'Named queue. (Default: default)')),
  tags: tagsOption,
  timeout: Options.optional(durationOption('timeout', 'Abort the handler after this long: 30s, 5m, 2h. (Default: none)')),
  backoff: Options.optional(
    Options.choice('backoff', BackoffStrategy.literals).pipe(Options.withDescription('Retry backoff strategy. (Default: exponential)')),
  ),
}

type Config = Command.Command.ParseConfig<typeof config>

/** The command line as the library's `EnqueueInput`; only the options given are set. */
const toInput = (c: Config): Effect.Effect<EnqueueInput, UsageError> => {
  if (Option.isSome(c.payload) && Option.isSome(c.payloadFile)) {
    return Effect.fail(new UsageError({ reason: 'give either --payload or --payload-file, not both' }))
  }
  if (Option.isSome(c.delay) && Option.isSome(c.runAt)) {
    return Effect.fail(new UsageError({ reason: 'give either --delay or --run-at, not both' }))
  }
  const input: EnqueueInput = { type: c.type }
  const payload = Option.orElse(c.payload, () => c.payloadFile)
  if (Option.isSome(payload)) input.payload = payload.value
  if (Option.isSome(c.priority)) input.priority = c.priority.value as EnqueueInput['priority']
  if (Option.isSome(c.delay)) input.delay = c.delay.value
  if (Option.isSome(c.runAt)) input.runAt = c.runAt.value
  if (Option.isSome(c.maxAttempts)) input.maxAttempts = c.maxAttempts.value as number
  if (c.dependsOn.length > 0) input.dependsOn = c.dependsOn
  if (Option.isSome(c.key)) input.idempotencyKey = c.key.value
  if (Option.isSome(c.queue)) input.queue = c.queue.value
  if (c.tags.length > 0) input.tags = c.tags
  if (Option.isSome(c.timeout)) input.timeoutMs = c.timeout.value
  if (Option.isSome(c.backoff)) input.backoff = c.backoff.value
  return Effect.succeed(input)
}

/** `livequeue enqueue <type> [options]`: exits 0 only once the task is persisted. */
export const enqueueCommand = Command.make('enqueue', config, (c) =>
  toInput(c).pipe(
    Effect.flatMap((input) =>
      queueCommand(
        c,
        (queue) => queue.enqueue(input),
        (task) => `${task.deduplicated ? 'already enqueued (same --key)' : 'enqueued'} ${task.id}\n${taskSummary(task, Date.now())}`,
      ),
    ),
  ),
).pipe(Command.withDescription('Add a task to the queue.'))
