import { useState } from 'preact/hooks'
import { api, mayChange, type Task, type WhoAmI } from '../api.js'

/**
 * Retry and cancel, shown only where the caller's role may use them (an admin; a producer on
 * the tasks it enqueued). The host checks again; a refusal is shown, never swallowed.
 */
export const TaskActions = ({ task, who, onDone }: { task: Task; who: WhoAmI; onDone: () => void }) => {
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  if (!mayChange(who, task)) return null
  const canRetry = task.status === 'failed' || task.status === 'cancelled'
  const canCancel = task.status === 'pending' || task.status === 'processing' || task.status === 'failed'
  if (!canRetry && !canCancel) return null
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
  return (
    <span class="actions">
      {canRetry && (
        <button type="button" class="retry" disabled={busy} onClick={() => act(() => api.retry(task.id))}>
          Retry
        </button>
      )}
      {canCancel && (
        <button type="button" class="cancel" disabled={busy} onClick={() => act(() => api.cancel(task.id))}>
          {task.status === 'failed' ? 'Discard' : 'Cancel'}
        </button>
      )}
      {error && <span class="error-inline">{error}</span>}
    </span>
  )
}
