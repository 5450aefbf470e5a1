/** How things read on the page: times, durations, ids. */

export const shortId = (id: string) => id.slice(-12)

/** The trace id of a task's W3C `traceparent` (`00-<trace id>-<span id>-<flags>`, written by the queue), or null. */
export const traceId = (traceparent: string | null | undefined): string | null => traceparent?.split('-')[1] ?? null

export const clock = (ms: number) => new Date(ms).toLocaleTimeString([], { hour12: false })

export const dateTime = (ms: number) => new Date(ms).toLocaleString([], { hour12: false })

export const duration = (ms: number | null | undefined): string => {
  if (ms == null) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`
}

export const ago = (ms: number, now = Date.now()): string => {
  const d = Math.max(0, now - ms)
  if (d < 2000) return 'just now'
  return `${duration(d).replace(/ \d+ s$/, '')} ago`
}

export const percent = (fraction: number | null | undefined) => (fraction == null ? '—' : `${Math.round(fraction * 100)}%`)

/** Kinds that get their own colour: the three that say how work is going. */
export const kindClass = (kind: string) =>
  kind === 'started' ? 'kind-started' : kind === 'completed' ? 'kind-completed' : kind === 'failed' || kind === 'expired' ? 'kind-failed' : 'kind-other'
