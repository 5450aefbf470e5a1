import { api, type Task, type WhoAmI } from '../api.js'
import { ActivityList } from '../components/ActivityList.js'
import { ProgressBar } from '../components/ProgressBar.js'
import { RateLimitsTable } from '../components/RateLimitsTable.js'
import { BreakersTable, QueueTable, RunnersTable, SchedulesTable } from '../components/Tables.js'
import { ThroughputChart } from '../components/ThroughputChart.js'
import { ago, shortId } from '../format.js'
import { useActivityWindow, useLoad, useNow } from '../hooks.js'
import { taskHref } from '../route.js'

/** How many running tasks the overview shows with their progress (each is one GET). */
const RUNNING_SHOWN = 8

const runningTasks = async (): Promise<Task[]> => {
  const page = await api.tasks({ status: 'processing', limit: RUNNING_SHOWN })
  return Promise.all(page.items.map((t) => api.task(t.id).catch(() => t)))
}

/**
 * The landing page: what the queue is doing right now. Counts, what is running with its
 * progress, the latest activity (live), queues, rate limits, workers, breakers and the last hour's
 * throughput.
 * Everything re-reads when the activity stream says something changed (at most twice a second),
 * and every 5 s for what the stream does not announce (heartbeats, the clock).
 */
export const Overview = ({ who }: { who: WhoAmI }) => {
  const now = useNow()
  // Counting is a scan of two narrow indexes (21 ms at 100k tasks, bench/dashboard.ts): once a second at most.
  const stats = useLoad(api.stats, [], { everyMs: 5000, minGapMs: 1000 })
  const runners = useLoad(api.runners, [], { everyMs: 5000 })
  const chart = useLoad(() => api.throughput(60), [], { everyMs: 15_000, minGapMs: 2000 })
  const running = useLoad(runningTasks, [], { everyMs: 5000 })
  const schedules = useLoad(api.schedules, [], { everyMs: 30_000 })
  // A window's use changes with every claim and runs out with the clock: re-read on claims and rate-limit entries, and every 5 s.
  const limits = useLoad(api.limits, [], { everyMs: 5000, minGapMs: 1000 })
  const feed = useActivityWindow(
    {},
    {
      initial: 25,
      window: 25,
      onEntries: (batch) => {
        stats.reload()
        running.reload()
        if (batch.some((e) => e.kind === 'completed' || e.kind === 'failed')) chart.reload()
        if (batch.some((e) => e.taskId === null)) runners.reload()
        if (batch.some((e) => e.summary.startsWith('schedule '))) schedules.reload()
        if (batch.some((e) => e.kind === 'started' || e.kind.startsWith('rate-limit'))) limits.reload()
      },
    },
  )
  const s = stats.data
  return (
    <div class="overview">
      <section class="counts" data-testid="counts">
        {(['pending', 'processing', 'completed', 'failed'] as const).map((k) => (
          <a key={k} class={`count status-${k}`} href={k === 'failed' ? '#/dead-letters' : `#/activity`}>
            <strong>{s ? s.byStatus[k] : '…'}</strong>
            <span>{k === 'processing' ? 'running' : k === 'failed' ? 'dead letters' : k}</span>
          </a>
        ))}
        <div class="count">
          <strong>{s?.oldestPendingAgeMs == null ? '—' : ago(now - s.oldestPendingAgeMs, now).replace(' ago', '')}</strong>
          <span>oldest waiting</span>
        </div>
      </section>
      {s && (s.unhandledTypes ?? []).length > 0 && (
        <ul class="warnings" data-testid="unhandled-types">
          {s.unhandledTypes.map((u) => (
            <li key={u.type}>
              No worker handles <strong>{u.type}</strong>: {u.pending} pending, none for {ago(now - u.unhandledForMs, now).replace(' ago', '')}
              {u.lastSeenAt === null ? ' (no worker ever registered for it: a misspelled type?)' : ''}
            </li>
          ))}
        </ul>
      )}
      <p class="muted legend">
        Tasks wait (pending) until a worker claims one and runs it (running); it then completes, or fails and is retried, and once every attempt has failed it
        is a dead letter. Every change below arrives live.
      </p>

      <div class="grid">
        <section>
          <h2>Running now</h2>
          {running.data && running.data.length === 0 && <p class="muted">Nothing is running.</p>}
          <ul class="running" data-testid="running">
            {running.data?.map((t) => {
              const execution = t.executions?.at(-1)
              return (
                <li key={t.id}>
                  <a href={taskHref(t.id)}>
                    <span class="type">{t.type}</span> <span class="mono">{shortId(t.id)}</span>
                  </a>
                  <span class="muted">
                    {' '}
                    attempt {t.attempts} on {t.runnerId}
                  </span>
                  <ProgressBar fraction={execution?.progress ?? null} message={execution?.progressMessage ?? null} />
                </li>
              )
            })}
          </ul>
          <h2>
            Latest activity{' '}
            <a class="more" href="#/activity">
              all →
            </a>
          </h2>
          <ActivityList entries={feed.entries} empty="No activity yet." />
        </section>
        <section>
          <h2>Completed and failed per minute</h2>
          {chart.data ? <ThroughputChart data={chart.data} /> : <p class="muted">…</p>}
          <h2>Queues</h2>
          {s ? <QueueTable stats={s} /> : <p class="muted">…</p>}
          <h2>Rate limits</h2>
          {limits.data ? <RateLimitsTable limits={limits.data} now={now} who={who} onDone={limits.reload} /> : <p class="muted">…</p>}
          <h2>Workers</h2>
          {runners.data ? <RunnersTable runners={runners.data} now={now} /> : <p class="muted">…</p>}
          <h2>Circuit breakers</h2>
          {s ? <BreakersTable stats={s} now={now} /> : <p class="muted">…</p>}
          <h2>Schedules</h2>
          {schedules.data ? <SchedulesTable schedules={schedules.data} now={now} /> : <p class="muted">…</p>}
        </section>
      </div>
    </div>
  )
}
