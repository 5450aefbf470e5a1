import { fileURLToPath } from 'node:url'
import { ensureWebSocket } from '../sync/webSocket.js'
import { DevtoolsUnavailable } from './errors.js'

export type DevtoolsOptions = {
  /** (Default: 4242, LiveStore's) */
  port?: number
  /** (Default: 127.0.0.1) */
  host?: string
}

/** What adapter-node's `devtools` option takes. */
export type AdapterDevtools = { schemaPath: string; port: number; host: string }

/**
 * The schema module the devtools page imports through vite: the compiled queue schema beside
 * this file (dist/schema/index.js), which exports `schema` as the devtools plugin expects.
 */
const SCHEMA_PATH = fileURLToPath(new URL('../../schema/index.js', import.meta.url))

/**
 * Checks that the devtools' packages load, before any store is opened: adapter-node starts the
 * devtools server in a forked fiber and only logs when `@livestore/devtools-vite` or `vite` is
 * missing, so without this check the host would run with devtools silently absent.
 */
export const prepareDevtools = async (opts: DevtoolsOptions = {}): Promise<AdapterDevtools> => {
  const missing: string[] = []
  const reasons: string[] = []
  for (const name of ['@livestore/devtools-vite', 'vite']) {
    try {
      await import(name)
    } catch (error) {
      missing.push(name)
      reasons.push(`${name}: ${(error as Error).message.split('\n')[0]}`)
    }
  }
  if (missing.length > 0) throw new DevtoolsUnavailable({ missing, reason: reasons.join('; ') })
  // The store's session and leader reach the devtools server over a WebSocket (webmesh); without
  // a global one (Node 20) the page loads but shows no store.
  await ensureWebSocket("LiveStore's devtools connection (--devtools)")
  return { schemaPath: SCHEMA_PATH, port: opts.port ?? 4242, host: opts.host ?? '127.0.0.1' }
}
