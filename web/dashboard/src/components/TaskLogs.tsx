import { useEffect, useState } from 'preact/hooks'
import type { TaskLogLine } from '../../../../src/queue/logTypes.js'
import { api } from '../api.js'
import { clock } from '../format.js'

/** The page keeps at most this many lines (an execution keeps up to 1,000; a task has several). */
const MAX_SHOWN = 3_000
/** One long-poll for new lines waits at most this long. */
const WAIT_MS = 25_000

type State = { lines: TaskLogLine[]; following: boolean; error: string | null }

/**
 * The task's kept `ctx.log` lines, every attempt, live while it runs: a long-poll on
 * GET /api/tasks/{id}/logs answered the moment a line is kept, until the task is finished.
 */
const useTaskLogs = (taskId: string): State => {
  const [state, setState] = useState<State>({ lines: [], following: true, error: null })
  useEffect(() => {
    const controller = new AbortController()
    setState({ lines: [], following: true, error: null })
    void (async () => {
      let after = 0
      let failures = 0
      while (!controller.signal.aborted) {
        try {
          const page = await api.logs(taskId, { after, waitMs: WAIT_MS }, controller.signal)
          failures = 0
          after = page.cursor
          if (page.items.length > 0) setState((s) => ({ ...s, lines: [...s.lines, ...page.items].slice(-MAX_SHOWN), error: null }))
          if (page.finished) {
            setState((s) => ({ ...s, following: false }))
            return
          }
        } catch (error) {
          if (controller.signal.aborted) return
          setState((s) => ({ ...s, error: (error as Error).message }))
          // The host restarting: try again, a little later each time (at most every 5 s).
          await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** failures++)))
        }
      }
    })()
    return () => controller.abort()
  }, [taskId])
  return state
}

export const TaskLogs = ({ taskId }: { taskId: string }) => {
  const { lines, following, error } = useTaskLogs(taskId)
  const rows: preact.JSX.Element[] = []
  const lastSeq = new Map<string, number>()
  for (const line of lines) {
    const last = lastSeq.get(line.executionId)
    if (last === undefined)
      rows.push(
        <div class="log-attempt" key={`a-${line.executionId}`}>
          attempt {line.attempt}
        </div>,
      )
    const gap = line.seq - (last ?? 0) - 1
    if (gap > 0)
      rows.push(
        <div class="log-gap muted" key={`g-${line.id}`}>
          … {gap} line{gap === 1 ? '' : 's'} not kept
        </div>,
      )
    lastSeq.set(line.executionId, line.seq)
    rows.push(
      <div class="log-line" key={line.id}>
        <time>{clock(line.at)}</time> <span class="log-message">{line.message}</span>
        {line.fields && <span class="log-fields muted"> {JSON.stringify(line.fields)}</span>}
      </div>,
    )
  }
  return (
    <div class="task-logs" data-testid="logs" data-following={following ? 'true' : 'false'}>
      {rows.length === 0 ? <p class="muted">{following ? 'No lines kept yet.' : 'No lines kept.'}</p> : <div class="log-lines">{rows}</div>}
      {error && <p class="muted small">logs: {error} (retrying)</p>}
    </div>
  )
}
