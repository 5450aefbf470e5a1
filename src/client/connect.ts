import { readLocalCredential } from '../auth/localCredential.js'
import { StoreLocked } from '../errors.js'
import { liveOwner } from '../store/lockFile.js'
import { resolveDataDir } from '../store/dataDir.js'
import type { QueueApi } from './QueueApi.js'
import type { JsonFetch } from './http.js'
import { RemoteQueue } from './RemoteQueue.js'

export type ConnectOptions = {
  /** The store directory. (Default: `$LIVEQUEUE_DATA_DIR`, else `./.livequeue`) */
  dataDir?: string | undefined
  /** A host's URL: go through it, whatever the data dir. (Default: `$LIVEQUEUE_SERVER`) */
  server?: string | undefined
  /** The bearer token for the host. (Default: `$LIVEQUEUE_TOKEN`) */
  token?: string | undefined
  /** How a `RemoteQueue` sends its JSON requests (RemoteQueueOptions.fetch). (Default: the global fetch) */
  fetch?: JsonFetch | undefined
}

/** Which transport `connect` would use, decided without loading LiveStore. */
export type Transport = { kind: 'remote'; url: string; token: string | undefined } | { kind: 'local'; dataDir: string }

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value)

/**
 * One process owns a data dir (docs/design.md, fact 2), so: an explicit server wins; else a live host
 * that owns the data dir and serves HTTP (its lock file holds the URL) is gone through, with the
 * local operator's credential the host wrote there when no token was given; else the store is
 * opened here. A live owner without a URL (a host without HTTP) is left to
 * `openQueue`, which refuses with StoreLocked naming its pid.
 */
export const chooseTransport = (opts: ConnectOptions = {}): Transport => {
  const token = nonEmpty(opts.token) ?? nonEmpty(process.env.LIVEQUEUE_TOKEN)
  const server = nonEmpty(opts.server) ?? nonEmpty(process.env.LIVEQUEUE_SERVER)
  if (server !== undefined) return { kind: 'remote', url: server, token }
  const dataDir = resolveDataDir(opts.dataDir)
  const owner = liveOwner(dataDir)
  if (owner?.url) return { kind: 'remote', url: owner.url, token: token ?? readLocalCredential(dataDir) ?? undefined }
  return { kind: 'local', dataDir }
}

/** The queue through the host a remote transport names. */
export const remoteQueue = (transport: Extract<Transport, { kind: 'remote' }>, fetch?: JsonFetch): RemoteQueue =>
  new RemoteQueue({ url: transport.url, ...(transport.token ? { token: transport.token } : {}), ...(fetch ? { fetch } : {}) })

/**
 * The queue over the chosen transport: a `RemoteQueue`, or a `TaskQueue` on the data dir.
 * `connect(url)` is `connect({ server: url })`.
 */
export const connect = async (target: ConnectOptions | string = {}): Promise<QueueApi> => {
  const opts: ConnectOptions = typeof target === 'string' ? { server: target } : target
  const transport = chooseTransport(opts)
  if (transport.kind === 'remote') return remoteQueue(transport, opts.fetch)
  // Loaded on first use: LiveStore is heavy, and a command through a host never needs it.
  const { openQueue } = await import('../taskQueue/openQueue.js')
  try {
    // A CLI command holds the store for a moment: rotating is the host's job (a sealed epoch left
    // by a crash is still finished on open).
    return await openQueue({ dataDir: transport.dataDir, epochs: { automatic: false } })
  } catch (error) {
    // A host took the data dir between the look at its lock and the open: go through it.
    if (error instanceof StoreLocked && error.url) {
      const token = nonEmpty(opts.token) ?? nonEmpty(process.env.LIVEQUEUE_TOKEN) ?? readLocalCredential(transport.dataDir) ?? undefined
      return remoteQueue({ kind: 'remote', url: error.url, token }, opts.fetch)
    }
    throw error
  }
}
