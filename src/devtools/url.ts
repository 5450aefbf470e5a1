import type { Store } from '@livestore/livestore'
import { DevtoolsNotAnswering } from './errors.js'
import type { AdapterDevtools } from './options.js'

/** The devtools page for this store's leader session (adapter-node names the session 'static'). */
export const devtoolsUrl = (store: Store<any>, devtools: AdapterDevtools): string =>
  `http://${devtools.host}:${devtools.port}/_livestore/node/${store.storeId}/${store.clientId}/static/${store.schema.devtools.alias}`

/**
 * Resolves once the devtools server answers. It starts beside the store in the background
 * (vite takes 1–3 s here), and a start that fails (port taken) is only logged by LiveStore.
 */
export const devtoolsAnswering = async (url: string, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5_000) })
      if (res.status < 500) return
    } catch {}
    if (Date.now() > deadline) throw new DevtoolsNotAnswering({ url, timeoutMs })
    await new Promise((r) => setTimeout(r, 200))
  }
}
