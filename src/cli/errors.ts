import * as Data from 'effect/Data'

/** Exit codes: 0 done, 1 the queue refused or failed, 2 the command line was wrong, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const

/** The command line cannot be used as given (found by a handler, after parsing). Exit 2. */
export class UsageError extends Data.TaggedError('UsageError')<{ readonly reason: string }> {
  override get message() {
    return this.reason
  }
}

/** The queue refused the command (a tagged library error) or failed. Exit 1; `json` says how to print it. */
export class CommandFailed extends Data.TaggedError('CommandFailed')<{ readonly error: unknown; readonly json: boolean }> {}

/** The parts of a library error worth printing: its tag, message and own fields. */
export const describeError = (error: unknown): { _tag: string; message: string } & Record<string, unknown> => {
  if (typeof error !== 'object' || error === null) return { _tag: 'Error', message: String(error) }
  const fields: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(error)) {
    if (key !== 'stack' && key !== 'cause' && key !== '_tag') fields[key] = value
  }
  const tag = (error as { _tag?: unknown })._tag
  const name = (error as { name?: unknown }).name
  const message = (error as { message?: unknown }).message
  return {
    _tag: typeof tag === 'string' ? tag : typeof name === 'string' ? name : 'Error',
    message: typeof message === 'string' && message !== '' ? message : String(error),
    ...fields,
  }
}

/** Library errors are tagged (`ValidationError`, `TaskNotFound`, …): expected, printed without a stack. */
export const isTaggedError = (error: unknown): boolean => typeof error === 'object' && error !== null && typeof (error as { _tag?: unknown })._tag === 'string'
