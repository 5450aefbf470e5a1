import * as Data from 'effect/Data'

/** Loopback addresses: reachable only from this machine. */
export const isLoopback = (host: string): boolean => {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || /^::ffff:127\.\d+\.\d+\.\d+$/.test(h)
}

/** A URL this machine can connect to (a wildcard bind is reached through loopback). */
export const connectUrl = (host: string, port: number): string => {
  const h = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`
}

/** A host without tokens would answer anyone who can reach a non-loopback address. */
export class UnsafeBind extends Data.TaggedError('UnsafeBind')<{ readonly host: string; readonly tokensFile: string | null }> {
  override get message() {
    return `refusing to serve on ${this.host} without tokens: anyone who can reach it could enqueue, claim and prune. Create one with \`livequeue token create --role admin --name NAME\`${this.tokensFile ? ` (it goes to ${this.tokensFile})` : ''}, or serve on 127.0.0.1`
  }
}

/** The port is taken or the address is not ours. */
export class ListenFailed extends Data.TaggedError('ListenFailed')<{ readonly host: string; readonly port: number; readonly reason: string }> {
  override get message() {
    return `cannot listen on ${this.host}:${this.port}: ${this.reason}`
  }
}
