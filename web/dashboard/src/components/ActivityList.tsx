import type { ActivityEntry } from '../api.js'
import { clock, kindClass, shortId } from '../format.js'
import { taskHref } from '../route.js'

/** Activity rows, newest first; started/completed/failed each have their colour and mark. */
export const ActivityList = ({ entries, empty }: { entries: ReadonlyArray<ActivityEntry>; empty: string }) =>
  entries.length === 0 ? (
    <p class="muted">{empty}</p>
  ) : (
    <ol class="activity" data-testid="activity">
      {entries.map((e) => (
        <li key={e.seq} class={`activity-row ${kindClass(e.kind)}`} data-kind={e.kind} data-task={e.taskId ?? ''}>
          <time>{clock(e.at)}</time>
          <span class="kind">{e.kind}</span>
          <span class="type">{e.type ?? '—'}</span>
          {e.taskId ? (
            <a class="task-link mono" href={taskHref(e.taskId)} title={e.taskId}>
              {shortId(e.taskId)}
            </a>
          ) : (
            <span class="mono muted">—</span>
          )}
          <span class="summary">{e.summary}</span>
        </li>
      ))}
    </ol>
  )
