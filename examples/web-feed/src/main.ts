/**
 * A LiveStore web app that watches a livequeue host: the host pushes its events to a sync
 * backend (`livequeue serve --sync-url …`); this page pulls them into an in-memory LiveStore
 * store with the queue's schema and renders live queries over `activity` and `workerTasks`.
 * It never talks to the host's HTTP API, and it never commits (the host is the only writer).
 * When the host rotates its queue into a new store (an epoch), the page follows (follow.ts).
 *
 * Open it with ?sync=ws://127.0.0.1:8787&store=livequeue (those are the defaults).
 */
import { queries } from 'livequeue/schema'
import type { ActivityRow } from 'livequeue/schema'
import { followStore } from './follow.js'
import { recentTasks$, statusCounts$ } from './queries.js'
import { renderCounts, renderFeed } from './render.js'

const params = new URLSearchParams(location.search)
const syncUrl = params.get('sync') ?? 'ws://127.0.0.1:8787'
const storeId = params.get('store') ?? 'livequeue'
const byId = (id: string) => document.getElementById(id) as HTMLElement
const FEED_LENGTH = 50

// The feed shown last: a new epoch's store starts with no activity of its own, so the sealed
// store's latest entries stay below the new ones (activity seq keeps growing across epochs).
let shown: ReadonlyArray<ActivityRow> = []

void followStore({
  syncUrl,
  storeId,
  onStore(current) {
    byId('source').textContent = `store ${current} from ${syncUrl}`
    document.body.dataset.store = current
  },
  attach(store) {
    const carried = shown
    const stops = [
      store.subscribe(queries.latestActivity$, (entries) => {
        const oldest = entries.at(-1)?.seq ?? Number.POSITIVE_INFINITY
        shown = [...entries, ...carried.filter((e) => e.seq < oldest)].slice(0, FEED_LENGTH)
        renderFeed(byId('feed'), shown)
      }),
      store.subscribe(statusCounts$, (counts) => renderCounts(byId('counts'), counts)),
      store.subscribe(recentTasks$, (tasks) => {
        document.body.dataset.tasks = String(tasks.length)
      }),
    ]
    document.body.dataset.ready = 'true'
    return () => {
      for (const stop of stops) stop()
    }
  },
})
