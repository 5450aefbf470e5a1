import type { QueryLimits } from './limits.js'

/** Host → query worker: run `sql`; `snapshot` (the state database's bytes) replaces the worker's copy when given. */
export type QueryRequest = {
  readonly id: number
  readonly sql: string
  readonly limits: QueryLimits
  readonly snapshot?: Uint8Array
}

/** Why the worker refused or stopped a query; the host turns each into its typed error (errors.ts). `internal`: our fault. */
export type QueryFailureKind = 'sql' | 'statements' | 'write' | 'timeout' | 'valueTooBig' | 'resultTooBig' | 'memory' | 'internal'

/** What a query came to: its rows, or why it was refused or stopped. */
export type QueryOutcome =
  | { readonly ok: true; readonly rows: Record<string, unknown>[]; readonly truncated: boolean }
  | { readonly ok: false; readonly kind: QueryFailureKind; readonly message: string }

/**
 * Query worker → host. `grownBytes`: how much the worker's wasm memory grew since it loaded its
 * snapshot; wasm memory never shrinks, so the host retires a worker that grew (see runner.ts).
 */
export type QueryReply = QueryOutcome & { readonly id: number; readonly grownBytes: number }
