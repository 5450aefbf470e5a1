import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { RemoteQueue } from '../../src/client/RemoteQueue.js'
import { startServe } from './host.js'
import { type SyncBackend, startSyncBackend } from './syncBackend.js'

export type SyncedHost = {
  backend: SyncBackend
  host: Awaited<ReturnType<typeof startServe>>
  /** The host's HTTP API, as a producer uses it. */
  queue: RemoteQueue
  /** Closes the client, stops the host and the backend, removes the data dir. */
  stop(): Promise<void>
}

/** A real sync backend (`wrangler dev`) and `livequeue serve --sync-url` pushing to it, in a fresh data dir. */
export const startSyncedHost = async (prefix: string): Promise<SyncedHost> => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  const backend = await startSyncBackend()
  const host = await startServe(dataDir, ['--sync-url', backend.url, '--quiet'])
  const queue = new RemoteQueue({ url: host.url })
  return {
    backend,
    host,
    queue,
    async stop() {
      await queue.close()
      await host.stop()
      await backend.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
