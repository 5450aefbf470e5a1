import { Command, Options } from '@effect/cli'
import { Effect, Option } from 'effect'
import type { EnqueueInput } from '../../queue/types.js'
import { UsageError } from '../errors.js'
import { taskSummary } from '../formatTask.js'
import { queueOptions } from '../options.js'
import { dateOption, dependsOnOption, durationOption, positional, textField } from '../parse.js'
import { taskFields, taskOptions } from '../taskOptions.js'
import { traceFromEnv } from '../traceEnv.js'
import { queueCommand } from '../withQueue.js'

const config = {
  ...queueOptions,
  type: positional('type', 'What kind of work: the worker handler that runs it.', 'type'),
  ...taskOptions,
  delay: Options.optional(durationOption('delay', 'Run no sooner than this from now: 30s, 5m, 2h, 7d. (Default: 0)')),
  runAt: Options.optional(dateOption('run-at', 'Run no sooner than this ISO 8601 time (instead of --delay).')),
  dependsOn: dependsOnOption,
  onDependencyFailure: Options.optional(
    Options.choice('on-dependency-failure', ['cancel', 'run'] as const).pipe(
      Options.withDescription('When a dependency fails for good or is cancelled: cancel this task too, or run it anyway. (Default: cancel)'),
    ),
  ),
  key: Options.optional(textField('key', 'idempotencyKey', 'KEY', 'Idempotency key: a second enqueue with it returns the first task.')),
}

type Config = Command.Command.ParseConfig<typeof config>

/** The command line as the library's `EnqueueInput`; only the options given are set. */
const toInput = (c: Config): Effect.Effect<EnqueueInput, UsageError> => {
  if (Option.isSome(c.delay) && Option.isSome(c.runAt)) {
    return Effect.fail(new UsageError({ reason: 'give either --delay or --run-at, not both' }))
  }
  return taskFields(c).pipe(
    Effect.map((fields) => {
      const input: EnqueueInput = { type: c.type, ...fields }
      if (Option.isSome(c.delay)) input.delay = c.delay.value
      if (Option.isSome(c.runAt)) input.runAt = c.runAt.value
      if (c.dependsOn.length > 0) input.dependsOn = c.dependsOn
      if (Option.isSome(c.onDependencyFailure)) input.onDependencyFailure = c.onDependencyFailure.value
      if (Option.isSome(c.key)) input.idempotencyKey = c.key.value
      return input
    }),
  )
}

/** `livequeue enqueue <type> [options]`: exits 0 only once the task is persisted. */
export const enqueueCommand = Command.make('enqueue', config, (c) =>
  toInput(c).pipe(
    Effect.flatMap((input) =>
      queueCommand(
        c,
        (queue) => queue.enqueue(input, traceFromEnv()),
        (task) => `${task.deduplicated ? 'already enqueued (same --key)' : 'enqueued'} ${task.id}\n${taskSummary(task, Date.now())}`,
      ),
    ),
  ),
).pipe(Command.withDescription("Add a task to the queue. Under $TRACEPARENT (W3C trace context), the task's spans join that trace."))
