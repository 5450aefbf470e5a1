import { WebSocketUnavailable } from './errors.js'

/**
 * LiveStore 0.4.0's sync client (sync-cf) and its devtools connection use the global
 * `WebSocket`, which Node 20 has only behind `--experimental-websocket` (Node 22 has it by
 * default; sync-cf's `webSocketFactory` option is accepted but unused in 0.4.0). Rather than
 * make every user pass a flag, a process that syncs installs the `ws` package's WebSocket (the
 * same one @effect/platform-node uses) as the global when there is none.
 */
export const ensureWebSocket = async (feature: string): Promise<void> => {
  if (typeof globalThis.WebSocket === 'function') return
  try {
    const { WebSocket } = await import('ws')
    ;(globalThis as { WebSocket?: unknown }).WebSocket = WebSocket
  } catch {
    throw new WebSocketUnavailable({ nodeVersion: process.version, feature })
  }
}
