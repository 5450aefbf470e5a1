import { api, mayChange, type Task, type WhoAmI } from '../api.js'
import { useAction } from '../hooks.js'

/**
 * Retry and cancel, shown only where the caller's role may use them (an admin; a producer on
 * the tasks it enqueued). The host checks again; a refusal is shown, never swallowed.
 */
export const TaskActions = ({ task, who, onDone }: { task: Task; who: WhoAmI; onDone: () => void }) => {
  const { busy, error, act } = useAction(onDone)
  if (!mayChange(who, task)) return null
  const canRetry = task.status === 'failed' || task.status === 'cancelled'
  const canCancel = task.status === 'pending' || task.status === 'processing' || task.status === 'failed'
  if (!canRetry && !canCancel) return null
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
