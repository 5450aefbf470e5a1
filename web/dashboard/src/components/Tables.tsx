import type { Runner, Schedule, Stats } from '../api.js'
import { ago, dateTime, duration } from '../format.js'
import { taskHref } from '../route.js'

const STATUSES = ['pending', 'processing', 'completed', 'failed', 'cancelled'] as const

/** Each queue's tasks by status, and whether it is paused. */
export const QueueTable = ({ stats }: { stats: Stats }) => {
  const queues = Object.entries(stats.byQueue).sort(([a], [b]) => a.localeCompare(b))
  if (queues.length === 0) return <p class="muted">No queues yet: enqueue a task.</p>
  return (
    <table data-testid="queues">
      <thead>
        <tr>
          <th>queue</th>
          {STATUSES.map((s) => (
            <th key={s} class="num">
              {s}
            </th>
          ))}
          <th>state</th>
        </tr>
      </thead>
      <tbody>
        {queues.map(([name, q]) => (
          <tr key={name} data-queue={name}>
            <td>{name}</td>
            {STATUSES.map((s) => (
              <td key={s} class={`num status-${s}`}>
                {q[s]}
              </td>
            ))}
            <td>{q.paused ? <span class="badge paused">paused</span> : <span class="badge running">running</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** Worker processes: what they run and when they were last heard from. */
export const RunnersTable = ({ runners, now }: { runners: ReadonlyArray<Runner>; now: number }) => {
  const shown = runners.filter((r) => r.status === 'running' || now - r.lastSeenAt < 3_600_000)
  if (shown.length === 0) return <p class="muted">No workers have registered in the last hour.</p>
  return (
    <table data-testid="runners">
      <thead>
        <tr>
          <th>runner</th>
          <th>types</th>
          <th class="num">slots</th>
          <th>status</th>
          <th>last heartbeat</th>
        </tr>
      </thead>
      <tbody>
        {shown.map((r) => (
          <tr key={r.id}>
            <td class="mono" title={`${r.host} pid ${r.pid}`}>
              {r.id}
            </td>
            <td>{r.types.join(', ')}</td>
            <td class="num">{r.concurrency}</td>
            <td>
              <span class={`badge ${r.status === 'running' ? 'running' : 'stopped'}`}>{r.status}</span>
            </td>
            <td>{ago(r.lastSeenAt, now)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** Circuit breakers that are not closed (a type failing over and over is paused by its workers). */
export const BreakersTable = ({ stats, now }: { stats: Stats; now: number }) =>
  stats.breakers.length === 0 ? (
    <p class="muted" data-testid="breakers">
      All circuit breakers closed.
    </p>
  ) : (
    <table data-testid="breakers">
      <thead>
        <tr>
          <th>type</th>
          <th>runner</th>
          <th>state</th>
          <th class="num">failures in a row</th>
          <th>since</th>
        </tr>
      </thead>
      <tbody>
        {stats.breakers.map((b) => (
          <tr key={`${b.runnerId}/${b.type}`}>
            <td>{b.type}</td>
            <td class="mono">{b.runnerId}</td>
            <td>
              <span class={`badge breaker-${b.state}`}>{b.state === 'halfOpen' ? 'half-open' : b.state}</span>
            </td>
            <td class="num">{b.consecutiveFailures}</td>
            <td>{ago(b.changedAt, now)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )

/** Recurring tasks: when each fires next and what it last enqueued. */
export const SchedulesTable = ({ schedules, now }: { schedules: ReadonlyArray<Schedule>; now: number }) =>
  schedules.length === 0 ? (
    <p class="muted" data-testid="schedules">
      No schedules (<code>livequeue schedule set</code>).
    </p>
  ) : (
    <table data-testid="schedules">
      <thead>
        <tr>
          <th>schedule</th>
          <th>when</th>
          <th>task type</th>
          <th>next</th>
          <th>last</th>
        </tr>
      </thead>
      <tbody>
        {schedules.map((s) => (
          <tr key={s.name} data-schedule={s.name}>
            <td>{s.name}</td>
            <td class="mono">{s.cron ? `${s.cron}${s.timeZone ? ` (${s.timeZone})` : ''}` : `every ${duration(s.everyMs)}`}</td>
            <td>{String(s.task.type ?? '')}</td>
            <td>{!s.enabled ? <span class="badge paused">paused</span> : s.nextFireAt ? dateTime(s.nextFireAt) : '—'}</td>
            <td>{s.lastTaskId ? <a href={taskHref(s.lastTaskId)}>{s.lastSlotAt ? ago(s.lastSlotAt, now) : 'task'}</a> : <span class="muted">never</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
