import { NAME_PATTERN } from '../../queue/names.js'
import { BadValue, type CommandSpec, type OptionSpec } from '../spec/types.js'

/**
 * Reads a subcommand's command line with its spec (spec/types.ts), the way @effect/cli reads it,
 * for the forms that are plain: `--name value`, `--name=value`, a boolean `--name`, options and
 * positional arguments in any order. Everything else — an unknown or repeated option, a value
 * its check refuses, a missing or extra argument, `--help`, a boolean followed by true/false,
 * anything starting with a single `-` — answers `undefined`, and the caller hands the command
 * line to @effect/cli, which then prints its own usage error or help. So this never refuses a
 * command line nor reads one differently (test/cli-quick.test.ts compares the two on a table).
 */

/** Words @effect/cli reads as a boolean option's value when they follow it. */
const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no', 'y', 'n', 'on', 'off', '1', '0'])

/** The value of `text` for `spec`, or undefined when @effect/cli should judge it. */
const checked = (spec: OptionSpec, text: string): { value: unknown } | undefined => {
  if (spec.kind !== 'text') return undefined
  if (spec.choices && !spec.choices.includes(text)) return undefined
  if (!spec.check) return { value: text }
  try {
    return { value: spec.check(text) }
  } catch (error) {
    if (error instanceof BadValue) return undefined
    throw error
  }
}

export const parseQuick = (spec: CommandSpec, tokens: ReadonlyArray<string>): Record<string, unknown> | undefined => {
  const byFlag = new Map(Object.entries(spec.options).map(([key, option]) => [`--${option.name}`, { key, option }]))
  const values: Record<string, unknown> = {}
  const positional: string[] = []
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string
    if (!token.startsWith('-')) {
      positional.push(token)
      continue
    }
    const eq = token.indexOf('=')
    const flag = eq === -1 ? token : token.slice(0, eq)
    const found = byFlag.get(flag)
    if (found === undefined || found.key in values) return undefined
    if (found.option.kind === 'boolean') {
      const next = tokens[i + 1]
      if (eq !== -1 || (next !== undefined && BOOLEAN_WORDS.has(next.toLowerCase()))) return undefined
      values[found.key] = true
      continue
    }
    let text: string | undefined
    if (eq !== -1) {
      text = token.slice(eq + 1)
      // `--server=` (nothing after the `=`): @effect/cli reads it as an unknown argument.
      if (text === '') return undefined
    } else {
      text = tokens[i + 1]
      i++
    }
    if (text === undefined || text.startsWith('-')) return undefined
    const value = checked(found.option, text)
    if (value === undefined) return undefined
    values[found.key] = value.value
  }
  const argKeys = Object.keys(spec.args)
  if (positional.length !== argKeys.length) return undefined
  for (const [index, key] of argKeys.entries()) {
    const arg = spec.args[key]
    const text = positional[index] as string
    if (arg?.nameOf !== undefined && !NAME_PATTERN.test(text)) return undefined
    try {
      values[key] = arg?.check ? arg.check(text) : text
    } catch (error) {
      if (error instanceof BadValue) return undefined
      throw error
    }
  }
  for (const [key, option] of Object.entries(spec.options)) {
    if (key in values) continue
    if (option.kind === 'boolean') values[key] = false
    else if (option.required) return undefined
    else values[key] = undefined
  }
  return values
}
