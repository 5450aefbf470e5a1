import { ValidationError } from '../errors.js'
import { type QueueContext, select } from './context.js'

/** At most this many rows come back from `query`. */
export const QUERY_ROW_LIMIT = 10_000

/**
 * Read-only SQL over the state tables: the power of LiveStore's devtools without them. Only a
 * single SELECT (or WITH … SELECT) is accepted; anything that could write is refused, and the
 * statement runs on the client session's database, never on the event log.
 */
export const query = (ctx: QueueContext, sql: string): { rows: Record<string, unknown>[]; truncated: boolean } => {
  const text = typeof sql === 'string' ? sql.trim().replace(/;\s*$/, '') : ''
  if (!/^(select|with)\b/i.test(text)) {
    throw new ValidationError({ field: 'sql', reason: 'only a read-only SELECT (or WITH … SELECT) is allowed' })
  }
  if (text.includes(';')) throw new ValidationError({ field: 'sql', reason: 'one statement only' })
  if (/\b(insert|update|delete|replace|drop|alter|create|attach|detach|pragma|vacuum|reindex)\b/i.test(text.replace(/'[^']*'/g, "''"))) {
    throw new ValidationError({ field: 'sql', reason: 'only a read-only SELECT is allowed; it may not write' })
  }
  ctx.owned.group.flush()
  let rows: Record<string, unknown>[]
  try {
    rows = select<Record<string, unknown>>(ctx, `SELECT * FROM (${text}) LIMIT ${QUERY_ROW_LIMIT + 1}`)
  } catch (error) {
    // LiveStore's SqliteError carries SQLite's own message as its cause ("no such column: x").
    const cause = (error as { cause?: { message?: unknown } }).cause?.message
    throw new ValidationError({ field: 'sql', reason: typeof cause === 'string' ? cause : 'SQLite refused the statement' })
  }
  return { rows: rows.slice(0, QUERY_ROW_LIMIT), truncated: rows.length > QUERY_ROW_LIMIT }
}
