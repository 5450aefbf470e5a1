import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { RemoteQueue } from '../../src/client/RemoteQueue.js'
import { startServe } from './host.js'
import { type SyncBackend, startSyncBackend } from './syncBackend.js'

export type SyncedHost = {
  backend: SyncBackend
  host: Awaited<ReturnType<typeof startServe>>
  /** The host's data dir (its epoch registry, epochs.json, says which store is current). */
  dataDir: string
  /** The host's HTTP API, as a producer uses it. */
  queue: RemoteQueue
  /** Closes the client, stops the host and the backend, removes the data dir. */
  stop(): Promise<void>
}

/**
 * A real sync backend (`wrangler dev`) and `livequeue serve --sync-url` pushing to it, in a fresh
 * data dir. `env`: set for the host process only (e.g. `LIVEQUEUE_EPOCH_EVENTS`).
 */
export const startSyncedHost = async (prefix: string, opts: { env?: Record<string, string> } = {}): Promise<SyncedHost> => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  const backend = await startSyncBackend()
  // startServe spawns the host synchronously, with this process's environment: set it around that call only.
  const saved = Object.fromEntries(Object.keys(opts.env ?? {}).map((k) => [k, process.env[k]]))
  Object.assign(process.env, opts.env ?? {})
  const starting = startServe(dataDir, ['--sync-url', backend.url, '--quiet'])
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  const host = await starting
  const queue = new RemoteQueue({ url: host.url })
  return {
    backend,
    dataDir,
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
