import { setMaxListeners } from 'node:events'
import type { AddressInfo } from 'node:net'
import * as path from 'node:path'
import { HttpApiBuilder, HttpApiScalar } from '@effect/platform'
import * as NodeHttpServer from '@effect/platform-node/NodeHttpServer'
import { Cause, Effect, Exit, Layer, Scope } from 'effect'
import { TOKENS_FILE, TokenStore } from '../auth/tokenStore.js'
import type { TaskQueue } from '../taskQueue/TaskQueue.js'
import { Api } from './api.js'
import { authLayer } from './auth.js'
import { BodyLimitServer } from './bodyLimit.js'
import { connectUrl, isLoopback, ListenFailed, UnsafeBind } from './bind.js'
import { dashboardLayer } from './dashboard.js'
import type { ServerDeps } from './context.js'
import { adminLive } from './groups/admin.js'
import { produceLive } from './groups/produce.js'
import { readsLive } from './groups/reads.js'
import { metricsLive, systemLive } from './groups/system.js'
import { workLive } from './groups/work.js'
import { Lifecycle } from './health.js'
import { ClaimWaiters } from './longPoll.js'
import { Metrics } from './metrics.js'
import { DEFAULT_MAX_BODY_BYTES, serverMiddleware } from './middleware.js'
import { type SseLimits, setSseLimits } from './sseLimits.js'

export const DEFAULT_HOST = '127.0.0.1'
export const DEFAULT_PORT = 7420

export type ServerOptions = {
  queue: TaskQueue
  /** (Default: 127.0.0.1) */
  host?: string
  /** (Default: 7420; 0 picks a free port) */
  port?: number
  /** The tokens file. (Default: `<dataDir>/tokens.json`; none for an in-memory queue) */
  tokensFile?: string | null
  /** Counters shared with the host's in-process worker. (Default: the server's own) */
  metrics?: Metrics
  /** (Default: 2 MiB) */
  maxBodyBytes?: number
  /** SSE keepalive comment interval. (Default: 15000) */
  keepaliveMs?: number
  /** Activity streams open at once, and how long a client may take nothing before it is dropped. (Default: 256, 30000) */
  sse?: Partial<SseLimits>
  /** Report ready on /readyz at once. The host passes false and calls `ready()` once its workers run. (Default: true) */
  ready?: boolean
  /** How long `close()` lets in-flight requests finish. (Default: 10000) */
  graceMs?: number
  /** Also accept this local operator's credential, as an admin (the host writes it into the data dir). (Default: none) */
  localCredential?: string
}

export type Server = {
  /** Where to reach it from this machine, e.g. http://127.0.0.1:7420. */
  readonly url: string
  readonly host: string
  readonly port: number
  readonly metrics: Metrics
  /** Long-poll claims waiting for work now. */
  waitingClaims(): number
  /** Requests being answered now, long waits and streams included (a test waits on it rather than sleeping). */
  requestsInFlight(): number
  /** Whether requests need a token now (tokens.json has any). */
  requiresTokens(): boolean
  ready(): void
  /** Stops accepting, ends long waits, lets in-flight requests finish, then closes every connection. */
  close(): Promise<void>
}

/**
 * The HTTP API over a queue this process owns: HttpApi routes (api.ts) with auth middleware,
 * the OpenAPI document at /api/openapi.json and its browsable reference at /api/docs (Scalar,
 * embedded: no CDN, and no web fonts from fonts.scalar.com), on Node's http server. Refuses a non-loopback address without tokens.
 */
export const startServer = async (opts: ServerOptions): Promise<Server> => {
  const host = opts.host ?? DEFAULT_HOST
  const port = opts.port ?? DEFAULT_PORT
  const file = opts.tokensFile !== undefined ? opts.tokensFile : opts.queue.dataDir ? path.join(opts.queue.dataDir, TOKENS_FILE) : null
  const tokens = file === null ? null : new TokenStore(file)
  const loopbackOnly = isLoopback(host)
  if (!loopbackOnly && !tokens?.hasTokens()) throw new UnsafeBind({ host, tokensFile: file })

  const lifecycle = new Lifecycle()
  const deps: ServerDeps = {
    queue: opts.queue,
    metrics: opts.metrics ?? new Metrics(),
    lifecycle,
    waiters: new ClaimWaiters(opts.queue),
    keepaliveMs: opts.keepaliveMs ?? 15_000,
    tokensRequired: () => tokens?.hasTokens() ?? false,
  }
  setSseLimits(deps, opts.sse ?? {})
  // Every open stream and waiting call listens for the stop; each removes its listener when done.
  setMaxListeners(0, lifecycle.signal)
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  const nodeServer = new BodyLimitServer(maxBodyBytes)

  const api = HttpApiBuilder.api(Api).pipe(
    Layer.provide([readsLive(deps), produceLive(deps), adminLive(deps), workLive(deps), metricsLive(deps), systemLive(deps)]),
    Layer.provide(authLayer({ tokens, loopbackOnly, localCredential: opts.localCredential })),
  )
  const layer = HttpApiBuilder.serve().pipe(
    Layer.provide(HttpApiScalar.layer({ path: '/api/docs', scalar: { withDefaultFonts: false } })),
    Layer.provide(dashboardLayer()),
    Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: '/api/openapi.json' })),
    Layer.provide(serverMiddleware(deps, maxBodyBytes)),
    Layer.provide(api),
    Layer.provide(NodeHttpServer.layer(() => nodeServer, { host, port })),
  )

  const scope = Effect.runSync(Scope.make())
  const built = await Effect.runPromiseExit(Layer.buildWithScope(layer, scope))
  if (Exit.isFailure(built)) {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    const cause = Cause.squash(built.cause) as { cause?: NodeJS.ErrnoException } & Error
    const code = cause?.cause?.code
    const reason = code === 'EADDRINUSE' ? 'the address is in use (another livequeue host?); pick another --port' : (cause?.cause?.message ?? cause?.message)
    throw new ListenFailed({ host, port, reason: String(reason) })
  }
  const bound = (nodeServer.address() as AddressInfo).port
  if (opts.ready !== false) lifecycle.ready()

  let closing: Promise<void> | null = null
  return {
    url: connectUrl(host, bound),
    host,
    port: bound,
    metrics: deps.metrics,
    waitingClaims: () => deps.waiters.waiting,
    requestsInFlight: () => lifecycle.inFlight,
    requiresTokens: deps.tokensRequired,
    ready: () => lifecycle.ready(),
    close() {
      closing ??= (async () => {
        lifecycle.stop() // 503 for new requests; long-polls, waits and streams end now
        const closed = new Promise<void>((resolve) => nodeServer.close(() => resolve()))
        await lifecycle.drained(opts.graceMs ?? 10_000)
        deps.waiters.close()
        // Keep-alive connections idle now (or after their last answer) would hold `close` open.
        nodeServer.closeIdleConnections()
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 250))])
        nodeServer.closeAllConnections()
        await closed
        await Effect.runPromise(Scope.close(scope, Exit.void))
      })()
      return closing
    },
  }
}
