import { Command } from '@effect/cli'
import { Effect } from 'effect'
import { type AnyQueueCommandDef, type QueueCommandDef, rendered } from './defs/types.js'
import { effectConfig } from './spec/toEffect.js'
import type { ArgSpecs, OptionSpecs, ValuesOf } from './spec/types.js'
import { CommandFailed } from './errors.js'
import type { QueueCommon } from './options.js'
import { withQueue } from './withQueue.js'

/** A `QueueCommandDef` run as an effect: connect, run, close, then print (withQueue.ts). */
export const runDef = <O extends OptionSpecs, A extends ArgSpecs, R>(
  def: QueueCommandDef<O, A, R>,
  values: ValuesOf<O, A> & QueueCommon,
): Effect.Effect<void, CommandFailed> =>
  withQueue(values, (queue) => def.run(queue, values)).pipe(
    Effect.tap((result) => Effect.sync(() => void process.stdout.write(rendered(def as AnyQueueCommandDef, result, values)))),
    Effect.flatMap((result) => {
      const error = def.failure?.(result)
      return error === undefined ? Effect.void : Effect.fail(new CommandFailed({ error, json: values.json }))
    }),
  )

/**
 * The @effect/cli subcommand of a `QueueCommandDef`; `otherwise` handles the values the def does
 * not run (`def.runs`), e.g. `--follow`.
 */
export const queueCommandOf = <O extends OptionSpecs, A extends ArgSpecs, R, E = never>(
  def: QueueCommandDef<O, A, R>,
  otherwise?: (values: ValuesOf<O, A> & QueueCommon) => Effect.Effect<void, E>,
) =>
  Command.make(def.spec.name, effectConfig(def.spec.options, def.spec.args), (config) => {
    const values = config as unknown as ValuesOf<O, A> & QueueCommon
    const run: Effect.Effect<void, E | CommandFailed> = otherwise !== undefined && def.runs?.(values) === false ? otherwise(values) : runDef(def, values)
    return run
  }).pipe(Command.withDescription(def.spec.description))
