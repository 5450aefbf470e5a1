import { type ActivityEntry, authHeaders, withQuery } from './api.js'

export type StreamFilters = { queue?: string; type?: string; kind?: string; taskId?: string }
export type StreamState = 'connecting' | 'live' | 'reconnecting'

/**
 * Follows GET /api/activity/stream. Read with fetch rather than EventSource, because
 * EventSource cannot send the Authorization header (and a token in the URL would leak into
 * logs). Resumes after the last seq it saw (`since`), so a dropped connection loses nothing and
 * repeats nothing; retries every 2 s until closed.
 */
export const followActivity = (
  filters: StreamFilters,
  since: number | undefined,
  onEntries: (entries: ActivityEntry[]) => void,
  onState: (state: StreamState) => void,
): (() => void) => {
  const controller = new AbortController()
  let last = since
  const connect = async (): Promise<void> => {
    while (!controller.signal.aborted) {
      try {
        const response = await fetch(withQuery('/api/activity/stream', { ...filters, since: last }), {
          headers: { ...authHeaders(), accept: 'text/event-stream' },
          signal: controller.signal,
        })
        if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`)
        onState('live')
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
        let buffer = ''
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          buffer += value
          const frames = buffer.split('\n\n')
          buffer = frames.pop() ?? ''
          const entries: ActivityEntry[] = []
          for (const frame of frames) {
            const data = frame.split('\n').find((line) => line.startsWith('data: '))
            if (!data) continue // a `: keepalive` comment
            const entry = JSON.parse(data.slice(6)) as ActivityEntry
            last = entry.seq
            entries.push(entry)
          }
          if (entries.length > 0) onEntries(entries)
        }
      } catch {
        if (controller.signal.aborted) return
      }
      onState('reconnecting')
      await new Promise((resolve) => setTimeout(resolve, 2000))
    }
  }
  onState('connecting')
  void connect()
  return () => controller.abort()
}
