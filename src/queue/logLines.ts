import type { LoggedLine } from '../../events/logs.js'
import { ValidationError } from '../errors.js'
import { boundedTime, jsonWithin, MAX_LOG_FIELDS_BYTES, MAX_LOG_MESSAGE_CHARS, truncated } from '../limits.js'
import type { LogInput } from './logTypes.js'

/**
 * One log line checked and made storable, or a ValidationError naming the field. A line is
 * never refused for its length (it would be lost): a long message is cut with a marker. Used by
 * the worker when a handler logs (so a bad `fields` throws in the handler) and by the queue for
 * every line a worker sends (HTTP included).
 */
export const checkLogLine = (line: LogInput, field = 'lines'): LoggedLine => {
  if (typeof line !== 'object' || line === null) throw new ValidationError({ field, reason: 'must be an object { executionId, seq, at, message, fields? }' })
  const { executionId, seq, at, message, fields } = line
  if (typeof executionId !== 'string' || executionId.length === 0 || executionId.length > 128) {
    throw new ValidationError({ field: `${field}.executionId`, reason: 'must be an execution id of 1–128 characters' })
  }
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
    throw new ValidationError({ field: `${field}.seq`, reason: `must be the line's number in its execution, an integer from 1; got ${String(seq)}` })
  }
  if (typeof message !== 'string') throw new ValidationError({ field: `${field}.message`, reason: `must be a string; got ${typeof message}` })
  const checked: LoggedLine = { executionId, seq, at: boundedTime(at, `${field}.at`), message: truncated(message, MAX_LOG_MESSAGE_CHARS) }
  if (fields === undefined || fields === null) return checked
  if (typeof fields !== 'object' || Array.isArray(fields)) {
    throw new ValidationError({ field: `${field}.fields`, reason: 'must be a JSON object of extra values, e.g. { "tokens": 120 }' })
  }
  return { ...checked, fields: JSON.parse(jsonWithin(fields, `${field}.fields`, { maxBytes: MAX_LOG_FIELDS_BYTES })) }
}

/** Bytes a line counts against its execution's bound (as the materializer counts them). */
export const logLineBytes = (line: Pick<LoggedLine, 'message' | 'fields'>): number =>
  Buffer.byteLength(line.message) + (line.fields === undefined ? 0 : Buffer.byteLength(JSON.stringify(line.fields)))
