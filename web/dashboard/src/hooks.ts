import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { type ActivityEntry, api } from './api.js'
import { followActivity, type StreamFilters, type StreamState } from './stream.js'

export type Loaded<T> = { data: T | null; error: Error | null; reload: () => void }

/**
 * Loads `load()` now, again whenever `reload` is called (coalesced: at most one request in
 * flight, and at most one every `minGapMs`), and every `everyMs` as a backstop for what the
 * activity stream does not announce (runner heartbeats, the clock moving the chart).
 */
export const useLoad = <T>(load: () => Promise<T>, deps: ReadonlyArray<unknown>, opts: { everyMs?: number; minGapMs?: number } = {}): Loaded<T> => {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<Error | null>(null)
  const state = useRef({ inFlight: false, again: false, last: 0, timer: 0 as ReturnType<typeof setTimeout> | 0, alive: true })
  const loadRef = useRef(load)
  loadRef.current = load
  const minGapMs = opts.minGapMs ?? 500

  const run = useCallback(async () => {
    const s = state.current
    if (s.inFlight) {
      s.again = true
      return
    }
    const wait = s.last + minGapMs - Date.now()
    if (wait > 0) {
      if (!s.timer) {
        s.timer = setTimeout(() => {
          s.timer = 0
          void run()
        }, wait)
      }
      return
    }
    s.inFlight = true
    s.last = Date.now()
    try {
      const value = await loadRef.current()
      if (s.alive) {
        setData(value)
        setError(null)
      }
    } catch (e) {
      if (s.alive) setError(e as Error)
    } finally {
      s.inFlight = false
      if (s.again) {
        s.again = false
        void run()
      }
    }
  }, [minGapMs])

  useEffect(() => {
    const s = state.current
    s.alive = true
    setData(null)
    void run()
    const every = opts.everyMs ? setInterval(() => void run(), opts.everyMs) : 0
    return () => {
      s.alive = false
      if (every) clearInterval(every)
      if (s.timer) clearTimeout(s.timer)
      s.timer = 0
    }
  }, deps)
  return { data, error, reload: () => void run() }
}

export type ActivityWindow = {
  /** Newest first, at most `window` entries. */
  entries: ActivityEntry[]
  state: StreamState
  /** Whether older entries exist beyond the window's end (paging back). */
  hasOlder: boolean
  loadOlder: () => Promise<void>
}

/**
 * The latest activity matching `filters`, live: the newest `initial` entries first, then the SSE
 * stream from there on. The window is bounded (`window` entries): a busy queue streams
 * thousands of entries a minute and the page must not grow without end. `onEntries` sees every
 * new batch (pages use it to refresh what the entries change).
 */
export const useActivityWindow = (
  filters: StreamFilters,
  opts: { initial?: number; window?: number; onEntries?: (entries: ActivityEntry[]) => void } = {},
): ActivityWindow => {
  const [entries, setEntries] = useState<ActivityEntry[]>([])
  const [state, setState] = useState<StreamState>('connecting')
  const [hasOlder, setHasOlder] = useState(false)
  const onEntriesRef = useRef(opts.onEntries)
  onEntriesRef.current = opts.onEntries
  const size = opts.window ?? 500
  const initial = opts.initial ?? 100
  const key = JSON.stringify(filters)
  // Paging back widens the window, up to 5× its size; live entries then trim the oldest end.
  const limit = useRef(size)

  useEffect(() => {
    let stop = () => {}
    let cancelled = false
    setEntries([])
    limit.current = size
    void (async () => {
      try {
        const first = await api.activity({ ...filters, limit: initial })
        if (cancelled) return
        setEntries(first.slice().reverse())
        setHasOlder(first.length === initial)
        stop = followActivity(
          filters,
          first.at(-1)?.seq ?? (await api.activity({ limit: 1 })).at(-1)?.seq ?? 0,
          (batch) => {
            setEntries((current) => [...batch.slice().reverse(), ...current].slice(0, limit.current))
            onEntriesRef.current?.(batch)
          },
          setState,
        )
        if (cancelled) stop()
      } catch {
        if (!cancelled) setState('reconnecting')
      }
    })()
    return () => {
      cancelled = true
      stop()
    }
  }, [key])

  const loadOlder = async () => {
    const oldest = entries.at(-1)?.seq
    if (oldest === undefined) return
    const older = await api.activity({ ...filters, before: oldest, limit: initial })
    limit.current = Math.min(entries.length + older.length, size * 5)
    setHasOlder(older.length === initial && entries.length + older.length < size * 5)
    setEntries((current) => [...current, ...older.slice().reverse()].slice(0, limit.current))
  }
  return { entries, state, hasOlder, loadOlder }
}

/** Re-renders every `ms`, for "3 s ago" labels. */
export const useNow = (ms = 1000): number => {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(t)
  }, [ms])
  return now
}

/**
 * A button's action against the host: `busy` while it runs, `onDone` after it succeeded, and the
 * host's refusal in `error` (shown, never swallowed).
 */
export const useAction = (onDone: () => void) => {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const act = async (f: () => Promise<unknown>) => {
    setBusy(true)
    setError(null)
    try {
      await f()
      onDone()
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }
  return { busy, error, act }
}
