import { StoreInternalsSymbol } from '@livestore/livestore'
import { ValidationError } from '../errors.js'
import { queryError } from '../query/errors.js'
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from '../query/limits.js'
import { QueryRunner } from '../query/runner.js'
import type { OwnedStore } from '../store/ownedStore.js'
import type { QueueContext } from './context.js'

export { QUERY_ROW_LIMIT } from '../query/limits.js'

/** Whitespace and comments before the first keyword. */
const LEADING = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/

/** One runner (one worker) per store, dropped with it. */
const runners = new WeakMap<OwnedStore, QueryRunner>()

/**
 * The client session's state database, as the worker loads it. Exporting a store of 10,000
 * tasks (7.7 MB) took 5 ms median, 31 ms p90, 153 ms worst of 40 on the shared 2-core dev box;
 * a query after a write (export, transfer, load) took 11–27 ms, one reusing the loaded snapshot
 * (head unmoved, under a second old) 0.7 ms.
 */
const runnerFor = (owned: OwnedStore): QueryRunner => {
  let runner = runners.get(owned)
  if (!runner) {
    const { store } = owned
    const db = store[StoreInternalsSymbol].sqliteDbWrapper
    runner = new QueryRunner(() => ({
      version: `${store.syncStatus().localHead} ${JSON.stringify(db.debug.head)}`,
      bytes: () => db.export(),
    }))
    runners.set(owned, runner)
  }
  return runner
}

/**
 * Read-only SQL over the state tables: the power of LiveStore's devtools without them. One
 * SELECT (or WITH … SELECT), run in a worker thread on a read-only copy of the client session's
 * database (never the event log), bounded by `limits` (limits.ts): past the time limit it is
 * stopped (`QueryTimedOut`); a value, the result or SQLite's memory over its cap is a
 * ValidationError naming the cap; more rows than `rowLimit` come back cut, `truncated: true`.
 */
export const query = async (
  ctx: QueueContext,
  sql: string,
  limits: QueryLimits = DEFAULT_QUERY_LIMITS,
): Promise<{ rows: Record<string, unknown>[]; truncated: boolean }> => {
  const text = typeof sql === 'string' ? sql.trim() : ''
  // For a clear message only: the worker's database is read-only, and SQLite itself says
  // whether the statement writes, so a keyword in a string or a quoted name is no matter.
  const keyword = text
    .replace(LEADING, '')
    .match(/^[a-z]+/i)?.[0]
    ?.toLowerCase()
  if (keyword !== 'select' && keyword !== 'with') {
    throw new ValidationError({ field: 'sql', reason: 'only a read-only SELECT (or WITH … SELECT) is allowed' })
  }
  // Flushing here (a sync call, before the runner's queue) makes the query see writes made before it.
  ctx.owned.group.flush()
  // Stored payloads stay readable: the value cap is at least twice the payload cap.
  const bounded = { ...limits, valueBytes: Math.max(limits.valueBytes, 2 * ctx.maxPayloadBytes) }
  const outcome = await runnerFor(ctx.owned).run(text, bounded)
  if (!outcome.ok) throw queryError(outcome.kind, outcome.message, bounded)
  return { rows: outcome.rows, truncated: outcome.truncated }
}
