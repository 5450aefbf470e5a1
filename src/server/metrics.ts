import type { Stats, Task } from '../queue/types.js'

/**
 * Prometheus metrics. Task counts come from `stats()` at scrape time (the store is the truth);
 * the counters and the pickup-latency histogram are kept in this process by the host, from the
 * HTTP claim and report routes and from the in-process worker's hooks, so they reset when the
 * host restarts, as Prometheus counters may.
 */

/** Histogram bounds in seconds: pickup runs from sub-millisecond (a waiting worker) to minutes (a backlog). */
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]

export class Metrics {
  claims = 0
  completions = 0
  failures = 0
  /** Activity streams (SSE) open now. */
  sseStreams = 0
  /** Streams closed because their client stopped taking what was sent (sse.ts). */
  sseDropped = 0
  /** Streams refused because `maxStreams` were open. */
  sseRefused = 0
  private readonly counts = BUCKETS.map(() => 0)
  private latencyCount = 0
  private latencySum = 0

  /** A task was claimed: counts it, and how long it waited since it was due (processAfter, or createdAt if later). */
  claimed(task: Pick<Task, 'processAfter' | 'createdAt' | 'updatedAt'>): void {
    this.claims++
    // `updatedAt` of a claimed task is the claim time, from the same clock as processAfter.
    const seconds = Math.max(0, task.updatedAt - Math.max(task.processAfter, task.createdAt)) / 1000
    this.latencyCount++
    this.latencySum += seconds
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= (BUCKETS[i] as number)) this.counts[i]!++
  }

  completed(): void {
    this.completions++
  }

  failed(): void {
    this.failures++
  }

  /** The text exposition format (version 0.0.4). */
  render(stats: Stats, commits?: { commits: number; events: number }): string {
    const lines: string[] = ['# HELP livequeue_tasks Tasks by status and queue.', '# TYPE livequeue_tasks gauge']
    for (const [queue, counts] of Object.entries(stats.byQueue).sort(([a], [b]) => a.localeCompare(b))) {
      for (const status of ['pending', 'processing', 'completed', 'failed', 'cancelled'] as const) {
        lines.push(`livequeue_tasks{status="${status}",queue="${label(queue)}"} ${counts[status]}`)
      }
    }
    const counter = (name: string, help: string, value: number) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`)
    counter('livequeue_claims_total', 'Tasks claimed (HTTP claims and in-process workers).', this.claims)
    counter('livequeue_completions_total', 'Executions completed.', this.completions)
    counter('livequeue_failures_total', 'Executions failed (each failed attempt, retried or not).', this.failures)
    if (commits) {
      counter('livequeue_commits_total', 'LiveStore commits (group commits) since the host started.', commits.commits)
      counter('livequeue_events_total', 'Events committed since the host started.', commits.events)
    }
    lines.push(
      '# HELP livequeue_sse_streams Activity streams (SSE) open now.',
      '# TYPE livequeue_sse_streams gauge',
      `livequeue_sse_streams ${this.sseStreams}`,
    )
    counter('livequeue_sse_dropped_total', 'Activity streams closed because the client stopped reading.', this.sseDropped)
    counter('livequeue_sse_refused_total', 'Activity streams refused: the host had its maximum open.', this.sseRefused)
    const h = 'livequeue_pickup_latency_seconds'
    lines.push(`# HELP ${h} Time from a task being due (processAfter, or createdAt) to its claim.`, `# TYPE ${h} histogram`)
    for (const [i, le] of BUCKETS.entries()) lines.push(`${h}_bucket{le="${le}"} ${this.counts[i]}`)
    lines.push(`${h}_bucket{le="+Inf"} ${this.latencyCount}`, `${h}_sum ${this.latencySum}`, `${h}_count ${this.latencyCount}`)
    return `${lines.join('\n')}\n`
  }
}

/** Label values escape backslash, double quote and newline. */
const label = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
