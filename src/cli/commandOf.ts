import { Command } from '@effect/cli'
import { Effect } from 'effect'
import { type AnyQueueCommandDef, type QueueCommandDef, rendered } from './defs/types.js'
import { effectConfig } from './spec/toEffect.js'
import type { ArgSpecs, OptionSpecs, ValuesOf } from './spec/types.js'
import type { QueueCommon } from './options.js'
import { withQueue } from './withQueue.js'

/** The @effect/cli subcommand of a `QueueCommandDef`: connect, run, close, then print (withQueue.ts). */
export const queueCommandOf = <O extends OptionSpecs & { json: { kind: 'boolean' } }, A extends ArgSpecs, R>(def: QueueCommandDef<O, A, R>) =>
  Command.make(def.spec.name, effectConfig(def.spec.options, def.spec.args), (config) => {
    const values = config as unknown as ValuesOf<O, A> & QueueCommon
    return withQueue(values, (queue) => def.run(queue, values)).pipe(
      Effect.flatMap((result) => Effect.sync(() => void process.stdout.write(rendered(def as AnyQueueCommandDef, result, values)))),
    )
  }).pipe(Command.withDescription(def.spec.description))
