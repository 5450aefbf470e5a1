import * as Data from 'effect/Data'

/** The sync URL is not one a LiveStore sync backend answers on. */
export class InvalidSyncUrl extends Data.TaggedError('InvalidSyncUrl')<{ readonly url: string; readonly reason: string }> {
  override get message() {
    return `invalid sync URL ${JSON.stringify(this.url)}: ${this.reason}; give the sync backend's address, e.g. ws://127.0.0.1:8787 (\`npm run sync:dev\`) or wss://<your-worker>.workers.dev`
  }
}

/** Node 20 has no global WebSocket unless asked for one; LiveStore's sync client and devtools need it. */
export class WebSocketUnavailable extends Data.TaggedError('WebSocketUnavailable')<{ readonly nodeVersion: string; readonly feature: string }> {
  override get message() {
    return `this Node (${this.nodeVersion}) has no global WebSocket, which ${this.feature} needs: run it with NODE_OPTIONS=--experimental-websocket (Node 20), or use Node 22 or newer`
  }
}
