import { MAX_ERROR_MESSAGE_CHARS, MAX_ERROR_STACK_CHARS, MAX_ERROR_TYPE_CHARS, truncated } from '../limits.js'
import type { ErrorInfo } from '../queue/types.js'

/**
 * Anything thrown → `{ type, message, stack }`: what is kept on the execution and as the task's
 * `lastError`. In a module of its own, free of LiveStore, so a remote client can use it too.
 * Long texts are cut (with a marker) rather than refused: a failure must never be lost because
 * its stack is long (limits in src/limits.ts).
 */
export const toErrorInfo = (error: unknown): ErrorInfo => {
  const info = ((): ErrorInfo => {
    if (error instanceof Error) return { type: error.name || 'Error', message: String(error.message), stack: error.stack ?? null }
    if (typeof error === 'object' && error !== null && 'message' in error) {
      const e = error as { type?: unknown; name?: unknown; message: unknown; stack?: unknown }
      return { type: String(e.type ?? e.name ?? 'Error'), message: String(e.message), stack: typeof e.stack === 'string' ? e.stack : null }
    }
    return { type: 'Error', message: typeof error === 'string' ? error : (safeJson(error) ?? String(error)), stack: null }
  })()
  return {
    type: truncated(info.type, MAX_ERROR_TYPE_CHARS),
    message: truncated(info.message, MAX_ERROR_MESSAGE_CHARS),
    stack: info.stack === null ? null : truncated(String(info.stack), MAX_ERROR_STACK_CHARS),
  }
}

/** JSON of a thrown non-Error, or undefined when it has none (BigInt, a cycle). */
const safeJson = (value: unknown): string | undefined => {
  try {
    return JSON.stringify(value)
  } catch {
    return undefined
  }
}
