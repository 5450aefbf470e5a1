import type { ErrorInfo, Execution } from '../../../../src/queue/types.js'
import { api, type WhoAmI } from '../api.js'
import { ActivityList } from '../components/ActivityList.js'
import { TaskActions } from '../components/TaskActions.js'
import { TaskLogs } from '../components/TaskLogs.js'
import { ProgressBar } from '../components/ProgressBar.js'
import { dateTime, duration, shortId, traceId } from '../format.js'
import { useActivityWindow, useLoad, useNow } from '../hooks.js'
import { taskHref } from '../route.js'

const Json = ({ value }: { value: unknown }) => <pre class="json">{value === undefined ? '—' : JSON.stringify(value, null, 2)}</pre>

const ErrorBlock = ({ error }: { error: ErrorInfo }) => (
  <div class="error-block" data-testid="error">
    <strong>{error.type}</strong>: {error.message}
    {error.stack && <pre class="stack">{error.stack}</pre>}
  </div>
)

/** One row per attempt: when, where, how long, how it ended; the running one with its progress. */
const Timeline = ({ executions, now: tick }: { executions: ReadonlyArray<Execution>; now: number }) => {
  // The tick re-renders once a second; a running attempt's duration reads the clock itself.
  const now = Math.max(tick, Date.now())
  const start = executions[0]?.startedAt ?? now
  // Bars span the task's life: up to now while an attempt runs, else up to the last finish.
  const end = Math.max(...executions.map((e) => e.finishedAt ?? now))
  const span = Math.max(1, end - start)
  return (
    <table class="timeline" data-testid="executions">
      <thead>
        <tr>
          <th class="num">attempt</th>
          <th>runner</th>
          <th>started</th>
          <th class="num">duration</th>
          <th>outcome</th>
          <th class="bar-col" />
        </tr>
      </thead>
      <tbody>
        {executions.map((e) => {
          const finished = e.finishedAt ?? now
          return (
            <tr key={e.id} class={`outcome-${e.status}`}>
              <td class="num">{e.attempt}</td>
              <td class="mono">{e.runnerId}</td>
              <td>{dateTime(e.startedAt)}</td>
              <td class="num">{duration(e.durationMs ?? finished - e.startedAt)}</td>
              <td>
                {e.status === 'running' ? (
                  <ProgressBar fraction={e.progress} message={e.progressMessage} />
                ) : (
                  <span class={`badge outcome-${e.status}`}>{e.status}</span>
                )}
                {e.error && <div class="muted small">{e.error.message}</div>}
              </td>
              <td class="bar-col">
                <div class="span-track">
                  <div
                    class={`span-bar outcome-${e.status}`}
                    style={{ marginLeft: `${((e.startedAt - start) / span) * 100}%`, width: `${Math.max(0.5, ((finished - e.startedAt) / span) * 100)}%` }}
                  />
                </div>
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

const TaskLink = ({ id }: { id: string }) => (
  <a class="mono" href={taskHref(id)} title={id}>
    {shortId(id)}
  </a>
)

/** One task in full, live: it re-reads whenever the activity stream reports on this task. */
export const TaskPage = ({ id, who }: { id: string; who: WhoAmI }) => {
  const now = useNow()
  const task = useLoad(() => api.task(id), [id], { minGapMs: 150 })
  const feed = useActivityWindow({ taskId: id }, { initial: 50, window: 200, onEntries: () => task.reload() })
  if (task.error) return <p class="error-block">{task.error.message}</p>
  const t = task.data
  if (!t) return <p class="muted">Loading…</p>
  const executions = t.executions ?? []
  return (
    <div class="task-page" data-testid="task" data-status={t.status}>
      <h2>
        <span class="type">{t.type}</span> <span class="mono">{t.id}</span> <span class={`badge status-${t.status}`}>{t.status}</span>
      </h2>
      <TaskActions task={t} who={who} onDone={() => task.reload()} />
      <dl class="facts">
        <dt>queue</dt>
        <dd>{t.queue}</dd>
        <dt>priority</dt>
        <dd>{t.priority}</dd>
        <dt>attempts</dt>
        <dd>
          {t.attempts} of {t.maxAttempts}
        </dd>
        <dt>created</dt>
        <dd>
          {dateTime(t.createdAt)}
          {t.createdBy ? ` by ${t.createdBy}` : ''}
        </dd>
        <dt>runs after</dt>
        <dd>{dateTime(t.processAfter)}</dd>
        {t.finishedAt && (
          <>
            <dt>finished</dt>
            <dd>{dateTime(t.finishedAt)}</dd>
          </>
        )}
        {t.tags.length > 0 && (
          <>
            <dt>tags</dt>
            <dd>{t.tags.join(', ')}</dd>
          </>
        )}
        {t.dependsOn.length > 0 && (
          <>
            <dt>depends on</dt>
            <dd data-testid="depends-on">
              {t.dependsOn.map((d) => (
                <span key={d}>
                  <TaskLink id={d} />{' '}
                </span>
              ))}
              {t.blockedBy > 0 && <span class="muted">({t.blockedBy} not done yet)</span>}
              {t.onDependencyFailure === 'run' && <span class="muted"> runs even if one fails</span>}
            </dd>
          </>
        )}
        {t.cancelReason && (
          <>
            <dt>cancelled</dt>
            <dd data-testid="cancel-reason">{t.cancelReason}</dd>
          </>
        )}
        {t.escalatedFrom && (
          <>
            <dt>escalated from</dt>
            <dd>
              <TaskLink id={t.escalatedFrom} />
            </dd>
          </>
        )}
        {t.escalatedTo && (
          <>
            <dt>escalated to</dt>
            <dd>
              <TaskLink id={t.escalatedTo} />
            </dd>
          </>
        )}
        {t.traceparent && (
          <>
            <dt>trace</dt>
            <dd class="mono" data-testid="trace-id" title={`traceparent ${t.traceparent}: search your tracing backend for this trace id`}>
              {traceId(t.traceparent)}
            </dd>
          </>
        )}
      </dl>
      <h3>Payload</h3>
      <Json value={t.payload} />
      {t.status === 'completed' && (
        <>
          <h3>Result</h3>
          <Json value={t.result} />
        </>
      )}
      {t.lastError && (
        <>
          <h3>{t.status === 'failed' ? 'Error' : 'Last error'}</h3>
          <ErrorBlock error={t.lastError} />
        </>
      )}
      {t.checkpoint && (
        <>
          <h3>Checkpoint</h3>
          <p class="muted small" data-testid="checkpoint-meta">
            saved by attempt {t.checkpoint.attempt} at {dateTime(t.checkpoint.savedAt)}; the next attempt resumes from it
          </p>
          <div data-testid="checkpoint">
            <Json value={t.checkpoint.data} />
          </div>
        </>
      )}
      <h3>Executions</h3>
      {executions.length === 0 ? <p class="muted">Not started yet.</p> : <Timeline executions={executions} now={now} />}
      <h3>Logs</h3>
      <TaskLogs taskId={t.id} />
      <h3>Activity</h3>
      <ActivityList entries={feed.entries} empty="No activity." />
    </div>
  )
}
