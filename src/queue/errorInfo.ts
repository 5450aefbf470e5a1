import type { ErrorInfo } from '../queue/types.js'

/**
 * Anything thrown → `{ type, message, stack }`: what is kept on the execution and as the task's
 * `lastError`. In a module of its own, free of LiveStore, so a remote client can use it too.
 */
export const toErrorInfo = (error: unknown): ErrorInfo => {
  if (error instanceof Error) return { type: error.name || 'Error', message: error.message, stack: error.stack ?? null }
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const e = error as { type?: unknown; name?: unknown; message: unknown; stack?: unknown }
    return { type: String(e.type ?? e.name ?? 'Error'), message: String(e.message), stack: typeof e.stack === 'string' ? e.stack : null }
  }
  return { type: 'Error', message: typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error)), stack: null }
}
