import { Args, HelpDoc, Options } from '@effect/cli'
import { Effect, Option } from 'effect'
import { checkedOption, positional } from '../parse.js'
import { type ArgSpec, type ArgSpecs, BadValue, type OptionSpec, type OptionSpecs, type ValuesOf } from './types.js'

/**
 * The @effect/cli options and arguments of a spec (spec/types.ts): what `--help` shows and how
 * @effect/cli parses, with values shaped as `ValuesOf` (undefined for an option not given).
 */

const option = (spec: OptionSpec): Options.Options<unknown> => {
  if (spec.kind === 'boolean') {
    const flag = Options.boolean(spec.name)
    return (spec.alias === undefined ? flag : Options.withAlias(flag, spec.alias)).pipe(Options.withDescription(spec.description))
  }
  let text: Options.Options<string> = spec.choices ? Options.choice(spec.name, spec.choices) : Options.text(spec.name)
  if (spec.pseudoName !== undefined) text = Options.withPseudoName(text, spec.pseudoName)
  text = Options.withDescription(text, spec.description)
  const checked: Options.Options<unknown> = spec.check ? checkedOption(spec.check)(text) : text
  return spec.required ? checked : checked.pipe(Options.optional, Options.map(Option.getOrUndefined))
}

const arg = (spec: ArgSpec): Args.Args<string> =>
  spec.nameOf !== undefined
    ? positional(spec.name, spec.description, spec.nameOf)
    : Args.text({ name: spec.name }).pipe(
        Args.withDescription(spec.description),
        Args.mapEffect((value) => {
          if (spec.check === undefined) return Effect.succeed(value)
          const check = spec.check
          return Effect.try({ try: () => check(value), catch: (e) => HelpDoc.p(e instanceof BadValue ? e.message : String(e)) })
        }),
      )

/** The config record `Command.make` takes, for these options and arguments. */
export const effectConfig = <O extends OptionSpecs, A extends ArgSpecs>(
  options: O,
  args: A,
): { readonly [K in keyof ValuesOf<O, A>]: Options.Options<ValuesOf<O, A>[K]> | Args.Args<ValuesOf<O, A>[K]> } => {
  const config: Record<string, Options.Options<unknown> | Args.Args<unknown>> = {}
  for (const [key, spec] of Object.entries(options)) config[key] = option(spec)
  for (const [key, spec] of Object.entries(args)) config[key] = arg(spec)
  return config as never
}
