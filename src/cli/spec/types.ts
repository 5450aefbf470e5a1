/**
 * A command's options and arguments as plain data: `toEffect.ts` builds the @effect/cli command
 * from it (help, usage errors), and `quick/parse.ts` reads a command line with it without loading
 * @effect/cli (~0.5 s) when the command goes through a host. One definition, two readers.
 */

/** Turns an option's or argument's text into its value; throws `BadValue` with what to fix. */
export type ValueCheck<A> = (text: string) => A

/** A value refused by a `ValueCheck`: the message names the flag and what to give instead. */
export class BadValue extends Error {}

/** `--name` alone: true when given; `alias` is a one-letter `-x` for it (left to @effect/cli by the quick path). */
export type BooleanSpec = { readonly kind: 'boolean'; readonly name: string; readonly description: string; readonly alias?: string }

/** `--name VALUE`: undefined when not given unless `required`; `choices` limits it to a list. */
export type TextSpec<A = string> = {
  readonly kind: 'text'
  readonly required?: boolean
  readonly name: string
  readonly description: string
  readonly pseudoName?: string
  readonly choices?: ReadonlyArray<string>
  readonly check?: ValueCheck<A>
}

export type OptionSpec = BooleanSpec | TextSpec<any>

/**
 * `<name>`: one positional argument, required. `nameOf` says it is that enqueue field (a queue
 * or task type name): @effect/cli checks it with the library's schema, and the quick path reads
 * only a value `NAME_PATTERN` accepts, leaving the rest to @effect/cli's message.
 */
export type ArgSpec = { readonly name: string; readonly description: string; readonly check?: ValueCheck<string>; readonly nameOf?: 'queue' | 'type' }

export type OptionSpecs = Readonly<Record<string, OptionSpec>>
export type ArgSpecs = Readonly<Record<string, ArgSpec>>

/** The values a command's handler gets: `true`/`false` for a boolean, the checked value or undefined for the rest. */
export type ValuesOf<O extends OptionSpecs, A extends ArgSpecs = {}> = {
  readonly [K in keyof O]: O[K] extends BooleanSpec
    ? boolean
    : O[K] extends TextSpec<infer V> & { readonly required: true }
      ? V
      : O[K] extends TextSpec<infer V>
        ? V | undefined
        : never
} & { readonly [K in keyof A]: string }

/** A subcommand's name, description, options and positional arguments (in order). */
export type CommandSpec<O extends OptionSpecs = OptionSpecs, A extends ArgSpecs = ArgSpecs> = {
  readonly name: string
  readonly description: string
  readonly options: O
  readonly args: A
}
