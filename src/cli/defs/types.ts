import type { QueueApi } from '../../client/QueueApi.js'
import type { ArgSpecs, CommandSpec, OptionSpecs, ValuesOf } from '../spec/types.js'

/**
 * A command that runs one request on the queue and prints its answer (`list`, `show`, `cancel`,
 * …), written once without @effect/cli: `queueCommandOf` (commandOf.ts) makes the @effect/cli
 * command of it, and the quick path (quick/main.ts) runs it through a host without loading
 * @effect/cli or LiveStore. Either way, the same values reach `run` and the same text is printed.
 */
export type QueueCommandDef<O extends OptionSpecs, A extends ArgSpecs, R> = {
  readonly spec: CommandSpec<O, A>
  /** The request, on a connected queue; `run` resolves only once the queue answered (its writes persisted). */
  readonly run: (queue: QueueApi, values: ValuesOf<O, A>) => Promise<R>
  /** The `--json` document. (Default: the result as it is) */
  readonly json?: (result: R) => unknown
  /** The human rendering. */
  readonly human: (result: R, values: ValuesOf<O, A>) => string
  /** An error to report after the result is printed, exiting 1 (`wait` on a task that failed). (Default: none) */
  readonly failure?: (result: R) => unknown
  /** False for values the def does not run (`--follow`: the command's own @effect/cli handler does). (Default: it runs them all) */
  readonly runs?: (values: ValuesOf<O, A>) => boolean
}

/** Any def, for tables of them (each is typed where it is written). */
export type AnyQueueCommandDef = {
  readonly spec: CommandSpec
  readonly run: (queue: QueueApi, values: any) => Promise<unknown>
  readonly json?: (result: any) => unknown
  readonly human: (result: any, values: any) => string
  readonly runs?: (values: any) => boolean
  readonly failure?: (result: any) => unknown
}

/** What the command writes on stdout for `result`: one JSON document with `--json`, else the human text; always one final newline. */
export const rendered = (def: AnyQueueCommandDef, result: unknown, values: { readonly json: boolean }): string => {
  const text = values.json ? JSON.stringify(def.json ? def.json(result) : result, null, 2) : def.human(result, values)
  return text.endsWith('\n') ? text : `${text}\n`
}
