import * as Console from 'effect/Console'
import * as Effect from 'effect/Effect'
import { helpWidth, wrapText } from './wrap.js'

/**
 * The console @effect/cli prints through. Its parse errors ("Missing argument <type>") go to
 * stderr as `error: …` lines like the CLI's own; help and version go to stdout, without ANSI
 * styling unless stdout is a terminal, wrapped to its width (80 columns when it is not one).
 */

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g')

const text = (args: ReadonlyArray<unknown>): string => args.map((a) => (typeof a === 'string' ? a : String(a))).join(' ')

export const withCliConsole = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Console.consoleWith((base) =>
    Console.withConsole(self, {
      ...base,
      log: (...args: ReadonlyArray<unknown>) =>
        Effect.sync(() => {
          const out = process.stdout.isTTY ? text(args) : text(args).replace(ANSI, '')
          process.stdout.write(`${wrapText(out, helpWidth())}\n`)
        }),
      error: (...args: ReadonlyArray<unknown>) =>
        Effect.sync(() => {
          const message = text(args).replace(ANSI, '').trim()
          if (message !== '') process.stderr.write(`error: ${message}\n`)
        }),
    }),
  )
