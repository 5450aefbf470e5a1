import type { makeAdapter } from '@livestore/adapter-node'
import { InvalidSyncUrl } from './errors.js'
import { ensureWebSocket } from './webSocket.js'

/** LiveStore's sync options, as the Node adapter takes them (`@livestore/common` is not a direct dependency). */
export type SyncOptions = NonNullable<Parameters<typeof makeAdapter>[0]['sync']>

/** Checks a sync backend URL; ws(s) and http(s) both work (sync-cf upgrades either to a WebSocket). */
export const checkSyncUrl = (url: string): string => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new InvalidSyncUrl({ url, reason: 'not a URL' })
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(parsed.protocol)) {
    throw new InvalidSyncUrl({ url, reason: `protocol ${parsed.protocol} is not ws:, wss:, http: or https:` })
  }
  if (parsed.search !== '') throw new InvalidSyncUrl({ url, reason: 'no query string: LiveStore adds ?storeId=… itself' })
  return url
}

/**
 * LiveStore sync options for a sync-cf backend (WebSocket transport), for the host and replicas
 * alike. Loaded on demand: only a process that syncs needs the sync client.
 *
 * `onBackendIdMismatch: 'ignore'`: when the backend's state was wiped, LiveStore's default
 * ('reset') deletes the local eventlog and state, which on the host would delete acknowledged
 * tasks; 'shutdown' broadcasts to every store of that id in the process (a host and a replica
 * in one process would both stop). Ignoring keeps the host serving; replicas keep what they
 * have until reopened (see the README on resetting the backend).
 * `onSyncError: 'ignore'`: a backend that is down must not stop the host; it catches up later.
 */
export const makeSyncOptions = async (url: string): Promise<SyncOptions> => {
  checkSyncUrl(url)
  await ensureWebSocket("LiveStore's sync client (--sync-url, openReplica)")
  const { makeWsSync } = await import('@livestore/sync-cf/client')
  return { backend: makeWsSync({ url }), onSyncError: 'ignore', onBackendIdMismatch: 'ignore' }
}
