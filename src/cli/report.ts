import { describeError, isTaggedError } from './errors.js'

/** How a command's failure is printed on stderr, by the @effect/cli path (run.ts) and the quick path alike. */

/** Writes `text` on stderr, ending in one newline. */
export const writeError = (text: string): void => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`)

const debug = () => Boolean(process.env.LIVEQUEUE_DEBUG)

/** `error: message` (a stack too for an unexpected error under LIVEQUEUE_DEBUG=1), or `{ error }` as JSON with `--json`. */
export const reportFailure = (error: unknown, json: boolean): void => {
  if (json) {
    writeError(JSON.stringify({ error: describeError(error) }))
    return
  }
  writeError(`error: ${describeError(error).message}`)
  if (!isTaggedError(error) && debug() && error instanceof Error && error.stack) writeError(error.stack)
}
