import * as Data from 'effect/Data'

/**
 * Errors only the HTTP transport has. Everything else a host answers is turned back into the
 * library's own tagged errors (`decodeError.ts`), so callers handle both transports the same way.
 */

/** The host wants a token (none was given, or it is unknown or revoked). HTTP 401. */
export class Unauthorized extends Data.TaggedError('Unauthorized')<{ readonly url: string; readonly reason: string }> {
  override get message() {
    return `the host at ${this.url} refused the request: ${this.reason}; give a valid token (--token or $LIVEQUEUE_TOKEN)`
  }
}

/** The token is valid but its role may not do this (a viewer enqueueing, a producer pausing). HTTP 403. */
export class Forbidden extends Data.TaggedError('Forbidden')<{ readonly url: string; readonly reason: string }> {
  override get message() {
    return `the host at ${this.url} refused the request: ${this.reason}; use a token whose role allows it`
  }
}

/** No answer from the host: nothing listens there, the name does not resolve, or the connection broke. */
export class HostUnreachable extends Data.TaggedError('HostUnreachable')<{ readonly url: string; readonly reason: string }> {
  override get message() {
    return `cannot reach the livequeue host at ${this.url} (${this.reason}); is \`livequeue serve\` running there?`
  }
}

/**
 * An error answer this client has no class for (a newer host's tag, a proxy's HTML page). Keeps
 * the host's `_tag` and message, so the CLI prints what the host said.
 */
export class RemoteError extends Data.Error<{
  readonly _tag: string
  readonly message: string
  readonly status: number
  readonly [field: string]: unknown
}> {}
