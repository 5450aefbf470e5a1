import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { ActivityList } from '../components/ActivityList.js'
import { useActivityWindow, useLoad } from '../hooks.js'

const KINDS = ['queued', 'started', 'progress', 'completed', 'failed', 'expired', 'cancelled', 'escalated', 'retried']

/** A filter: "all" (no value) or one of `options`. */
const Choice = ({ label, value, options, onChange }: { label: string; value: string; options: ReadonlyArray<string>; onChange: (v: string) => void }) => (
  <label>
    {label}
    <select name={label} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="">all</option>
      {options.map((o) => (
        <option key={o}>{o}</option>
      ))}
    </select>
  </label>
)

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
        <Choice label="queue" value={filters.queue} options={queues} onChange={(v) => set('queue', v)} />
        <Choice label="type" value={filters.type} options={types} onChange={(v) => set('type', v)} />
        <Choice label="status" value={filters.kind} options={KINDS} onChange={(v) => set('kind', v)} />
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
