import { useState } from 'preact/hooks'
import { api, type WhoAmI } from '../api.js'
import { TaskActions } from '../components/TaskActions.js'
import { ago, shortId } from '../format.js'
import { useActivityWindow, useLoad, useNow } from '../hooks.js'
import { taskHref } from '../route.js'

const PAGE = 50

/**
 * Tasks that failed for good, with their last error, 50 a page (cursor paging: the host reads
 * one page, however many dead letters there are). Refreshes when a task fails or is retried.
 */
export const DeadLetters = ({ who }: { who: WhoAmI }) => {
  const now = useNow(5000)
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined])
  const cursor = cursors.at(-1)
  const page = useLoad(() => api.tasks({ status: 'failed', limit: PAGE, cursor }), [cursor], { everyMs: 10_000 })
  useActivityWindow({ kind: 'failed,retried,cancelled' }, { initial: 1, window: 1, onEntries: () => page.reload() })
  const items = page.data?.items ?? []
  return (
    <div>
      <p class="muted">
        Failed tasks: every attempt used, or a permanent error. Retry runs one again with a fresh set of attempts; discard marks it cancelled.
      </p>
      {page.error && <p class="error-block">{page.error.message}</p>}
      {page.data && items.length === 0 && <p class="muted">No dead letters.</p>}
      {items.length > 0 && (
        <table data-testid="dead-letters">
          <thead>
            <tr>
              <th>task</th>
              <th>type</th>
              <th>queue</th>
              <th>failed</th>
              <th class="num">attempts</th>
              <th>last error</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((t) => (
              <tr key={t.id} data-task={t.id}>
                <td>
                  <a class="mono" href={taskHref(t.id)} title={t.id}>
                    {shortId(t.id)}
                  </a>
                </td>
                <td>{t.type}</td>
                <td>{t.queue}</td>
                <td>{t.finishedAt ? ago(t.finishedAt, now) : '—'}</td>
                <td class="num">{t.attempts}</td>
                <td class="error-cell" title={t.lastError?.stack ?? ''}>
                  {t.lastError ? `${t.lastError.type}: ${t.lastError.message}` : '—'}
                </td>
                <td>
                  <TaskActions task={t} who={who} onDone={() => page.reload()} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="pager">
        {cursors.length > 1 && (
          <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
            ← Newer
          </button>
        )}
        {page.data?.nextCursor && (
          <button type="button" onClick={() => setCursors([...cursors, page.data?.nextCursor ?? undefined])}>
            Older →
          </button>
        )}
      </div>
    </div>
  )
}
