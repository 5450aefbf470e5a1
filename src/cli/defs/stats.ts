import type { Stats, StatusCounts } from '../../queue/types.js'
import { duration, table } from '../format.js'
import { queueOptionSpecs } from '../spec/common.js'
import { TASK_STATUSES as STATUSES } from '../taskStatuses.js'
import type { QueueCommandDef } from './types.js'

const countsTable = (label: string, rows: Record<string, StatusCounts & { paused?: boolean }>, withPaused: boolean): string =>
  table(
    [label, ...(withPaused ? ['PAUSED'] : []), ...STATUSES.map((s) => s.toUpperCase())],
    Object.entries(rows)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, counts]) => [name, ...(withPaused ? [counts.paused ? 'yes' : 'no'] : []), ...STATUSES.map((s) => String(counts[s]))]),
  )

/** The human rendering (also `watch`'s screen). */
export const statsText = (stats: Stats): string => {
  const total = STATUSES.reduce((sum, s) => sum + stats.byStatus[s], 0)
  const byPriority = Object.entries(stats.byPriority).sort(([a], [b]) => Number(b) - Number(a))
  return [
    ...(stats.unhandledTypes ?? []).map(
      (u) =>
        `warning: no worker handles ${u.type}: ${u.pending} pending, none for ${duration(u.unhandledForMs)}${u.lastSeenAt === null ? ' (no worker ever registered for it)' : ''}`,
    ),
    `tasks: ${total} (${STATUSES.map((s) => `${stats.byStatus[s]} ${s}`).join(', ')})`,
    `oldest pending: ${stats.oldestPendingAgeMs === null ? '-' : duration(stats.oldestPendingAgeMs)}`,
    '',
    Object.keys(stats.byQueue).length === 0 ? 'queues: none' : countsTable('QUEUE', stats.byQueue, true),
    '',
    Object.keys(stats.byType).length === 0 ? 'types: none' : countsTable('TYPE', stats.byType, false),
    '',
    byPriority.length === 0
      ? 'pending by priority: none'
      : table(
          ['PRIORITY', 'PENDING'],
          byPriority.map(([p, n]) => [p, String(n)]),
        ),
  ].join('\n')
}

/** `livequeue stats`: counts by status, queue, type and pending priority. */
export const statsDef: QueueCommandDef<typeof queueOptionSpecs, {}, Stats> = {
  spec: { name: 'stats', description: 'Counts by status, queue, type and priority.', options: queueOptionSpecs, args: {} },
  run: (queue) => queue.stats(),
  human: statsText,
}
