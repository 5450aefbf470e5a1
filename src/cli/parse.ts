import * as fs from 'node:fs'
import { Args, HelpDoc, Options, ValidationError } from '@effect/cli'
import { Effect, Either, ParseResult, Schema } from 'effect'
import { MAX_DURATION_MS } from '../limits.js'
import { EnqueueInputSchema } from '../queue/validateInput.js'
import { boundedIntegerCheck, durationCheck, durationOrDateCheck, notAnOption } from './spec/checks.js'
import { BadValue, type ValueCheck } from './spec/types.js'

/**
 * Option and argument values checked while the command line is parsed: a bad value is a usage
 * error (exit 2) whose message names the flag. Rules on enqueue fields come from the library's
 * own `EnqueueInputSchema`, so the CLI and the library cannot disagree.
 */

const usage = (message: string): ValidationError.ValidationError => ValidationError.invalidValue(HelpDoc.p(message))

/** The message of the `BadValue` that `check` throws; undefined when it passes. */
const badValue = (check: () => unknown): string | undefined => {
  try {
    check()
    return undefined
  } catch (error) {
    if (error instanceof BadValue) return error.message
    throw error
  }
}

/** An option's text through a shared `ValueCheck` (spec/checks.ts): a refusal is a usage error. */
export const checkedOption =
  <A>(check: ValueCheck<A>) =>
  (self: Options.Options<string>): Options.Options<A> =>
    Options.mapEffect(self, (text) => Effect.try({ try: () => check(text), catch: (e) => (e instanceof BadValue ? usage(e.message) : usage(reasonOf(e))) }))

const reasonOf = (error: unknown): string => {
  const reason = (error as { reason?: unknown }).reason
  if (typeof reason === 'string') return reason
  return error instanceof Error ? error.message : String(error)
}

const decodeFields = Schema.decodeUnknownEither(Schema.partial(EnqueueInputSchema), { onExcessProperty: 'error', errors: 'first' })

/** What is wrong with an enqueue field by the library's schema, naming `label`; undefined when fine. */
const fieldProblem = (label: string, field: string, value: unknown): string | undefined => {
  const result = decodeFields({ [field]: value })
  if (Either.isRight(result)) return undefined
  const [issue] = ParseResult.ArrayFormatter.formatErrorSync(result.left)
  return `invalid ${label}: ${issue?.message ?? 'not accepted'}`
}

/** Checks one enqueue field with the library's schema; a usage error names `flag`. */
const checkEnqueueField = <A>(flag: string, field: string, value: A): Effect.Effect<A, ValidationError.ValidationError> => {
  const problem = fieldProblem(flag, field, value)
  return problem === undefined ? Effect.succeed(value) : Effect.fail(usage(problem))
}

/** A number if the text is one ("7", "2.5"), else the text itself ("high"). */
const numberOrText = (text: string): number | string => (/^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text)

/** An option holding a duration ("30s", "5m", "2h", "7d", or ms) as a number of ms; at most `max` (Default: 100 years). */
export const durationOption = (name: string, description: string, max = MAX_DURATION_MS) =>
  Options.text(name).pipe(Options.withPseudoName('DURATION'), Options.withDescription(description), checkedOption(durationCheck(name, max)))

/** `--priority`: critical, high, normal, low, or an integer 0–100. */
export const priorityOption = Options.text('priority').pipe(
  Options.withPseudoName('PRIORITY'),
  Options.withDescription('critical (10), high (7), normal (5), low (3), or an integer 0–100; higher runs first. (Default: normal)'),
  Options.mapEffect((text) => checkEnqueueField('--priority', 'priority', numberOrText(text))),
)

/** An option whose value is an integer, checked against the enqueue field it fills. */
export const integerField = (name: string, field: string, description: string) =>
  Options.text(name).pipe(
    Options.withPseudoName('N'),
    Options.withDescription(description),
    Options.mapEffect((text) =>
      /^\s*-?\d+\s*$/.test(text) ? checkEnqueueField(`--${name}`, field, Number(text)) : Effect.fail(usage(`invalid --${name}: "${text}" is not an integer`)),
    ),
  )

/** An option whose text fills an enqueue field (`queue`, `idempotencyKey`, …), checked by its schema. */
export const textField = (name: string, field: string, pseudoName: string, description: string) =>
  Options.text(name).pipe(
    Options.withPseudoName(pseudoName),
    Options.withDescription(description),
    Options.mapEffect((text) => checkEnqueueField(`--${name}`, field, text)),
  )

/** An integer within bounds (for `--limit`). */
export const boundedInteger = (name: string, min: number, max: number, description: string) =>
  Options.text(name).pipe(Options.withPseudoName('N'), Options.withDescription(description), checkedOption(boundedIntegerCheck(name, min, max)))

/** An ISO 8601 time, as a Date. */
export const dateOption = (name: string, description: string) =>
  Options.text(name).pipe(
    Options.withPseudoName('ISO'),
    Options.withDescription(description),
    Options.mapEffect((text) => {
      const date = new Date(text)
      return /^\d{4}-\d{2}-\d{2}/.test(text) && Number.isFinite(date.getTime())
        ? Effect.succeed(date)
        : Effect.fail(usage(`invalid --${name}: "${text}" is not an ISO 8601 time; write e.g. 2030-01-31T09:00:00Z`))
    }),
  )

/** A duration back from now ("7d") or an ISO time, as the cutoff `prune` takes. */
export const durationOrDateOption = (name: string, description: string) =>
  Options.text(name).pipe(Options.withPseudoName('DURATION|ISO'), Options.withDescription(description), checkedOption(durationOrDateCheck(name)))

const parseJson = (text: string, what: string): Effect.Effect<unknown, ValidationError.ValidationError> =>
  Effect.try({ try: () => JSON.parse(text) as unknown, catch: (e) => usage(`invalid ${what}: not valid JSON (${reasonOf(e)})`) })

/** `--payload JSON`. */
export const payloadOption = Options.text('payload').pipe(
  Options.withPseudoName('JSON'),
  Options.withDescription('The payload, as JSON (e.g. \'{"to":"a@b.c"}\'). (Default: null)'),
  Options.mapEffect((text) => parseJson(text, '--payload')),
)

/** `--payload-file FILE` (`-` reads stdin). */
export const payloadFileOption = Options.text('payload-file').pipe(
  Options.withPseudoName('FILE'),
  Options.withDescription('Read the payload JSON from this file ("-" for stdin).'),
  Options.mapEffect((file) =>
    Effect.try({
      try: () => fs.readFileSync(file === '-' ? 0 : file, 'utf8'),
      catch: (e) => usage(`cannot read --payload-file ${file}: ${reasonOf(e)}`),
    }).pipe(Effect.flatMap((text) => parseJson(text, `--payload-file ${file}`))),
  ),
)

/** A positional argument: never option-like (`notAnOption`); `field` checks it as that enqueue field. */
export const positional = (name: string, description: string, field?: string) =>
  Args.text({ name }).pipe(
    Args.withDescription(description),
    Args.mapEffect((value) => {
      const problem = badValue(() => notAnOption(name)(value)) ?? (field === undefined ? undefined : fieldProblem(`<${name}>`, field, value))
      return problem === undefined ? Effect.succeed(value) : Effect.fail(HelpDoc.p(problem))
    }),
  )

/** `--tag T`, repeatable. */
export const tagsOption = Options.text('tag').pipe(
  Options.withPseudoName('TAG'),
  Options.withDescription('A tag (repeat for more).'),
  Options.repeated,
  Options.mapEffect((tags) => checkEnqueueField('--tag', 'tags', tags)),
)

/** `--depends-on a,b` (repeatable): ids of tasks that must complete first. */
export const dependsOnOption = Options.text('depends-on').pipe(
  Options.withPseudoName('ID,…'),
  Options.withDescription('Task ids that must complete first, comma-separated (repeatable).'),
  Options.repeated,
  Options.map((values) =>
    values
      .flatMap((v) => v.split(','))
      .map((id) => id.trim())
      .filter((id) => id !== ''),
  ),
)
