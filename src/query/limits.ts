/**
 * The bounds on user SQL (`TaskQueue.query`, POST /api/query, `livequeue query`). Before these,
 * a 20-million-row recursive CTE held the host's event loop (and /healthz) for 13.5 s, and
 * `SELECT length(randomblob(900000000))` took the host's RSS from 234 MB to 1.07 GB for good.
 */

/** A query running longer is interrupted and answered 408 `QueryTimedOut`. (2 s) */
export const QUERY_TIMEOUT_MS = 2_000

/** At most this many rows come back; more set `truncated: true`. (10,000) */
export const QUERY_ROW_LIMIT = 10_000

/** The rows as JSON may be at most this many bytes; more is a 413 ValidationError. (8 MiB) */
export const QUERY_RESULT_BYTE_LIMIT = 8 * 1024 * 1024

/**
 * No string or blob may grow past this (SQLite's SQLITE_LIMIT_LENGTH), so `randomblob(900000000)`
 * is refused before it allocates. A stored value must stay readable, so the limit is raised to
 * twice the queue's payload cap when that is larger. (16 MiB)
 */
export const QUERY_VALUE_BYTE_LIMIT = 16 * 1024 * 1024

/** How far the query worker's wasm memory may grow past its loaded snapshot (sorts, temp b-trees, values). (128 MiB) */
export const QUERY_MEMORY_BYTE_LIMIT = 128 * 1024 * 1024

/** What one query run is bounded by; `query` passes the defaults above. */
export type QueryLimits = {
  readonly timeoutMs: number
  readonly rowLimit: number
  readonly resultBytes: number
  readonly valueBytes: number
  readonly memoryBytes: number
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  timeoutMs: QUERY_TIMEOUT_MS,
  rowLimit: QUERY_ROW_LIMIT,
  resultBytes: QUERY_RESULT_BYTE_LIMIT,
  valueBytes: QUERY_VALUE_BYTE_LIMIT,
  memoryBytes: QUERY_MEMORY_BYTE_LIMIT,
}
