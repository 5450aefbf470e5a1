import * as Data from 'effect/Data'
import { ValidationError } from '../errors.js'
import type { QueryLimits } from './limits.js'
import type { QueryFailureKind } from './protocol.js'

/** The query ran past its time limit and was stopped (HTTP 408). Nothing was written; nothing is left running. */
export class QueryTimedOut extends Data.TaggedError('QueryTimedOut')<{ readonly timeoutMs: number }> {
  override get message() {
    return `the query ran longer than the ${this.timeoutMs} ms limit and was stopped; narrow it (a WHERE, a LIMIT, fewer joined rows)`
  }
}

const invalid = (reason: string) => new ValidationError({ field: 'sql', reason })

/**
 * A refused or stopped query → the error the caller gets. The caps say "over the N-byte cap",
 * which the HTTP layer answers 413 (src/server/errors.ts); other refusals are 400.
 */
export const queryError = (kind: QueryFailureKind, message: string, limits: QueryLimits): Error => {
  switch (kind) {
    case 'timeout':
      return new QueryTimedOut({ timeoutMs: limits.timeoutMs })
    case 'valueTooBig':
      return invalid(`a string or blob in the query is over the ${limits.valueBytes}-byte cap; make smaller values (substr(), length())`)
    case 'resultTooBig':
      return invalid(`the result is over the ${limits.resultBytes}-byte cap (as JSON, ${message}); select fewer columns or add a LIMIT`)
    case 'memory':
      return invalid(`the query needs memory over the ${limits.memoryBytes}-byte cap; narrow it or add a LIMIT`)
    case 'write':
    case 'statements':
    case 'sql':
      // SQLite's own message for a bad statement ("no such column: x").
      return invalid(message)
    case 'internal':
      return new Error(`the query worker failed: ${message}`)
  }
}
