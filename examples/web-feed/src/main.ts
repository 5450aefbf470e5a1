/**
 * A LiveStore web app that watches a livequeue host: the host pushes its events to a sync
 * backend (`livequeue serve --sync-url …`); this page pulls them into an in-memory LiveStore
 * store with the queue's schema and renders live queries over `activity` and `workerTasks`.
 * It never talks to the host's HTTP API, and it never commits (the host is the only writer).
 *
 * Open it with ?sync=ws://127.0.0.1:8787&store=livequeue (those are the defaults).
 */
import { makeInMemoryAdapter } from '@livestore/adapter-web'
import { createStorePromise } from '@livestore/livestore'
import { makeWsSync } from '@livestore/sync-cf/client'
import { queries, schema } from 'livequeue/schema'
import { recentTasks$, statusCounts$ } from './queries.js'
import { renderCounts, renderFeed } from './render.js'

const params = new URLSearchParams(location.search)
const syncUrl = params.get('sync') ?? 'ws://127.0.0.1:8787'
const storeId = params.get('store') ?? 'livequeue'
const byId = (id: string) => document.getElementById(id) as HTMLElement

const store = await createStorePromise({
  schema,
  storeId,
  // In memory: the page holds nothing of its own; every load pulls the history from the backend.
  adapter: makeInMemoryAdapter({ sync: { backend: makeWsSync({ url: syncUrl }), onSyncError: 'ignore' } }),
  disableDevtools: true,
})

byId('source').textContent = `store ${storeId} from ${syncUrl}`
store.subscribe(queries.latestActivity$, (entries) => renderFeed(byId('feed'), entries))
store.subscribe(statusCounts$, (counts) => renderCounts(byId('counts'), counts))
store.subscribe(recentTasks$, (tasks) => {
  document.body.dataset.tasks = String(tasks.length)
})
document.body.dataset.ready = 'true'
