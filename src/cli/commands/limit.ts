import { Args, Command, Options } from '@effect/cli'
import { Effect, Option } from 'effect'
import { MAX_RATE_LIMIT_MAX, MAX_RATE_LIMIT_WINDOW_MS } from '../../limits.js'
import type { RateLimit, RateLimitTarget } from '../../rateLimits/types.js'
import { queueCommandOf } from '../commandOf.js'
import { limitListDef, limitText } from '../defs/limitList.js'
import { UsageError } from '../errors.js'
import { duration, when } from '../format.js'
import { queueOptions } from '../options.js'
import { boundedInteger, durationOption, positional, textField } from '../parse.js'
import { queueCommand } from '../withQueue.js'

/**
 * `livequeue limit set|clear|list`: rate limits per task type or named queue, enforced by the
 * host at claim (through the host when one runs). `list` is a def, so it also runs on the quick path.
 */

const targetConfig = {
  type: Args.optional(positional('type', 'The task type to limit (or give --queue instead).', 'type')),
  queue: Options.optional(textField('queue', 'queue', 'NAME', 'A named queue to limit instead of a task type.')),
}

/** The target the command line names: exactly one of TYPE or --queue. */
const targetOf = (c: { type: Option.Option<string>; queue: Option.Option<string> }): Effect.Effect<RateLimitTarget, UsageError> =>
  Option.isSome(c.type) === Option.isSome(c.queue)
    ? Effect.fail(new UsageError({ reason: 'give exactly one of TYPE or --queue NAME' }))
    : Effect.succeed(Option.isSome(c.queue) ? { queue: c.queue.value } : Option.getOrThrow(c.type))

const describe = (l: RateLimit, now = Date.now()): string =>
  [
    `rate limit on ${l.scope} ${l.name}: ${l.max === null ? 'none' : `at most ${limitText(l)} (${l.used} used in the last ${duration(l.perMs ?? 0)})`}`,
    ...(l.pausedUntil === null ? [] : [`  paused until: ${when(l.pausedUntil, now)}`]),
    ...(l.nextClaimAt === null ? [] : [`  next claim:   ${when(l.nextClaimAt, now)}`]),
  ].join('\n')

const set = Command.make(
  'set',
  {
    ...queueOptions,
    ...targetConfig,
    max: boundedInteger('max', 1, MAX_RATE_LIMIT_MAX, 'At most this many claims in any --per window, across all workers.'),
    per: durationOption('per', 'The sliding window: 1s, 1m, 1h, … (at most 30 days).', MAX_RATE_LIMIT_WINDOW_MS),
  },
  (c) =>
    targetOf(c).pipe(
      Effect.flatMap((target) =>
        queueCommand(
          c,
          (queue) => queue.limits.set(target, { max: c.max, perMs: c.per }),
          (l) => describe(l),
        ),
      ),
    ),
).pipe(Command.withDescription('Create or replace the rate limit on a task type or a queue (takes effect at the next claim).'))

const clear = Command.make('clear', { ...queueOptions, ...targetConfig }, (c) =>
  targetOf(c).pipe(
    Effect.flatMap((target) =>
      queueCommand(
        c,
        (queue) => queue.limits.clear(target),
        (r) => `cleared the rate limit and any pause on ${r.scope} ${r.name}`,
      ),
    ),
  ),
).pipe(Command.withDescription("Lift the rate limit on a task type or a queue, and any pause a handler's ctx.rateLimited set."))

export const limitCommand = Command.make('limit').pipe(
  Command.withDescription('Rate limits: at most N claims per window for a task type or a named queue, across all workers.'),
  Command.withSubcommands([set, clear, queueCommandOf(limitListDef)]),
)
