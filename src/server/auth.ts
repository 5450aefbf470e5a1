import { HttpApiMiddleware, HttpApiSecurity, HttpServerRequest } from '@effect/platform'
import { Context, Effect, Layer, Schema } from 'effect'
import { ACCESS, type Access, type Principal } from '../auth/roles.js'
import { isLocalCredential, LOCAL_OPERATOR } from '../auth/localCredential.js'
import type { TokenStore } from '../auth/tokenStore.js'
import { ApiError, apiError, Forbidden, Unauthorized } from './errors.js'

/**
 * Bearer-token authentication and role checks, as HttpApi middleware: one middleware per route
 * family (reads, produce, work, admin), so each group declares who may call it, the OpenAPI
 * document shows the bearer scheme on every protected route, and handlers get the caller as
 * `CurrentPrincipal` (a producer's token name becomes its tasks' `createdBy`).
 */

export class CurrentPrincipal extends Context.Tag('livequeue/CurrentPrincipal')<CurrentPrincipal, Principal>() {}

const options = {
  failure: Schema.Union(Unauthorized, Forbidden),
  provides: CurrentPrincipal,
  security: { bearer: HttpApiSecurity.bearer },
} as const

export class ReadAccess extends HttpApiMiddleware.Tag<ReadAccess>()('ReadAccess', options) {}
export class ProduceAccess extends HttpApiMiddleware.Tag<ProduceAccess>()('ProduceAccess', options) {}
export class WorkAccess extends HttpApiMiddleware.Tag<WorkAccess>()('WorkAccess', options) {}
export class AdminAccess extends HttpApiMiddleware.Tag<AdminAccess>()('AdminAccess', options) {}

export type AuthPolicy = {
  /** The host's tokens; null: none can ever be configured (an in-memory queue without a tokens file). */
  tokens: TokenStore | null
  /** Bound to a loopback address only: the one case where a host without tokens answers anyone. */
  loopbackOnly: boolean
  /** The local operator's credential this host wrote into its data dir (auth/localCredential.ts). (Default: none) */
  localCredential?: string | undefined
}

const ANONYMOUS: Principal = { name: null, role: 'admin' }
const BEARER = /^Bearer\s+(\S+)\s*$/i

const DOING: Record<Access, string> = {
  read: 'read the queue',
  produce: 'enqueue, cancel or retry tasks',
  work: 'claim tasks or report on executions',
  admin: 'prune, pause, resume or requeue',
}

/** Who the request is from and whether they may do `access`: a principal, or the 401/403 to answer. */
export const authorize = (policy: AuthPolicy, authorization: string | undefined, access: Access): Principal | ApiError => {
  const token = BEARER.exec(authorization ?? '')?.[1]
  // The data dir's owner, on this machine: an admin, whether or not the host has tokens.
  if (token !== undefined && isLocalCredential(policy.localCredential, token)) return LOCAL_OPERATOR
  if (policy.tokens === null || !policy.tokens.hasTokens()) {
    if (policy.loopbackOnly && token === undefined) return ANONYMOUS
    // A token that is sent is checked even here: revoking the last token must still refuse it.
    if (policy.loopbackOnly) {
      return apiError(401, 'Unauthorized', 'unknown or revoked token (this host has no tokens: send none)', { reason: 'unknown or revoked token' })
    }
    // Every token was revoked while serving on a public address: closed, not open.
    return apiError(401, 'Unauthorized', 'this host has no tokens and serves on a non-loopback address, so it accepts no request', {
      reason: 'no tokens configured',
    })
  }
  if (token === undefined) {
    return apiError(401, 'Unauthorized', 'missing bearer token: send `Authorization: Bearer lq_…`', { reason: 'missing bearer token' })
  }
  const principal = policy.tokens.verify(token)
  if (principal === null) return apiError(401, 'Unauthorized', 'unknown or revoked token', { reason: 'unknown or revoked token' })
  if (!(ACCESS[access] as ReadonlyArray<string>).includes(principal.role)) {
    const reason = `a ${principal.role} token may not ${DOING[access]}`
    return apiError(403, 'Forbidden', `${reason} (token "${principal.name}")`, { reason, role: principal.role })
  }
  return principal
}

const check = (policy: AuthPolicy, access: Access) =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
    const result = authorize(policy, request.headers.authorization, access)
    return result instanceof ApiError ? Effect.fail(result) : Effect.succeed(result)
  })

/** The four middlewares' implementations. The header is parsed here, not by HttpApi's bearer decoder, which ignores the scheme. */
export const authLayer = (policy: AuthPolicy) =>
  Layer.mergeAll(
    Layer.succeed(ReadAccess, { bearer: () => check(policy, 'read') }),
    Layer.succeed(ProduceAccess, { bearer: () => check(policy, 'produce') }),
    Layer.succeed(WorkAccess, { bearer: () => check(policy, 'work') }),
    Layer.succeed(AdminAccess, { bearer: () => check(policy, 'admin') }),
  )
