import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { ActivityList } from '../components/ActivityList.js'
import { useActivityWindow, useLoad } from '../hooks.js'

const KINDS = ['', 'queued', 'started', 'progress', 'completed', 'failed', 'expired', 'cancelled', 'escalated', 'retried']

/**
 * Every activity entry, newest first, live from the SSE stream; filters by queue, type and kind
 * go to the host (the stream itself is filtered) and into the URL, so a filtered view can be
 * shared. The window holds the newest 500; "older" pages back through history.
 */
export const Feed = ({ query }: { query: URLSearchParams }) => {
  const filters = { queue: query.get('queue') ?? '', type: query.get('type') ?? '', kind: query.get('kind') ?? '' }
  const active = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== ''))
  const feed = useActivityWindow(active, { initial: 100, window: 500 })
  const stats = useLoad(api.stats, [], {})
  const [busy, setBusy] = useState(false)
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(query)
    if (value) next.set(key, value)
    else next.delete(key)
    location.hash = `#/activity${next.toString() ? `?${next}` : ''}`
  }
  const queues = Object.keys(stats.data?.byQueue ?? {}).sort()
  const types = Object.keys(stats.data?.byType ?? {}).sort()
  return (
    <div>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          queue
          <select name="queue" value={filters.queue} onChange={(e) => set('queue', e.currentTarget.value)}>
            <option value="">all</option>
            {queues.map((q) => (
              <option key={q}>{q}</option>
            ))}
          </select>
        </label>
        <label>
          type
          <select name="type" value={filters.type} onChange={(e) => set('type', e.currentTarget.value)}>
            <option value="">all</option>
            {types.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          status
          <select name="kind" value={filters.kind} onChange={(e) => set('kind', e.currentTarget.value)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k || 'all'}
              </option>
            ))}
          </select>
        </label>
        <span class={`stream-state ${feed.state}`} data-testid="stream-state">
          {feed.state === 'live' ? '● live' : feed.state}
        </span>
      </form>
      <ActivityList entries={feed.entries} empty="No activity matches." />
      {feed.hasOlder && (
        <button
          type="button"
          disabled={busy}
          onClick={async () => {
            setBusy(true)
            await feed.loadOlder().finally(() => setBusy(false))
          }}
        >
          Older entries
        </button>
      )}
    </div>
  )
}
