import * as fs from 'node:fs'
import * as path from 'node:path'
import { makeAdapter } from '@livestore/adapter-node'
import { createStorePromise } from '@livestore/livestore'
import { describe, expect, it } from 'vitest'
import { runWorkspace } from '../examples/workspace/main.js'
import { schema } from '../examples/workspace/schema.js'
import { tempDir } from './helpers/queue.js'

const TABLES = ['documents', 'workerTasks', 'taskExecutions', 'activity']
const dump = (store: { query: (q: { query: string; bindValues: {} }) => unknown }) =>
  Object.fromEntries(TABLES.map((t) => [t, store.query({ query: `SELECT * FROM ${t} ORDER BY 1`, bindValues: {} })]))

describe('examples/workspace: the queue merged into an app schema', () => {
  it('runs app events and queue tasks in one store, and replays them identically from its event log', async () => {
    const dataDir = tempDir()
    const run = await runWorkspace(dataDir, [
      { title: 'A', text: 'First sentence. Second.' },
      { title: 'B', text: 'Another one! More.' },
    ])
    const before = dump(run.store)
    expect(before.documents).toEqual([
      expect.objectContaining({ id: 'doc-1', summary: 'First sentence.' }),
      expect.objectContaining({ id: 'doc-2', summary: 'Another one.' }),
    ])
    expect((before.workerTasks as Array<{ status: string }>).map((t) => t.status)).toEqual(['completed', 'completed'])
    await run.close()

    // Remove the state database: everything, app rows and queue rows, comes back from one event log.
    const storeDir = path.join(dataDir, 'workspace')
    for (const f of fs.readdirSync(storeDir).filter((f) => f.startsWith('state'))) fs.rmSync(path.join(storeDir, f))
    const store = await createStorePromise({
      schema,
      storeId: 'workspace',
      adapter: makeAdapter({ storage: { type: 'fs', baseDirectory: dataDir } }),
      disableDevtools: true,
    })
    expect(dump(store)).toEqual(before)
    await store.shutdownPromise()
  })
})
