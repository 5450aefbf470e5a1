import { type QueueContext, select, selectOne } from './context.js'
import type { StatusCounts, UnhandledType } from '../shapes/stats.js'

/**
 * How long pending tasks of a type may go without any worker registered for it before `stats`
 * flags the type: long enough for a deploy or a restart (a worker stops, its successor registers
 * within seconds), short enough that a misspelled type is seen within a minute.
 */
export const UNHANDLED_AFTER_MS = 60_000

/**
 * A runner that says it is running but has not been heard from for this long is taken as gone
 * (it crashed without `RunnerStopped`): three of its registry heartbeats (every 60 s by default).
 */
export const RUNNER_SILENT_MS = 3 * 60_000

export type { UnhandledType }

type RunnerTypes = { types: string; status: string; lastSeenAt: number }

/**
 * The types in `byType` with pending tasks and no live worker for `UNHANDLED_AFTER_MS`, most
 * pending first. A worker is live while its runner row is `running` and was seen within
 * `RUNNER_SILENT_MS` (runners report their types at start, schema/runners.ts).
 */
export const unhandledTypes = (ctx: QueueContext, byType: Record<string, StatusCounts>): UnhandledType[] => {
  const now = ctx.now()
  const waiting = Object.entries(byType).filter(([, counts]) => counts.pending > 0)
  if (waiting.length === 0) return []
  const live = new Set<string>()
  const lastSeen = new Map<string, number>()
  for (const runner of select<RunnerTypes>(ctx, 'SELECT types, status, lastSeenAt FROM runners')) {
    const types = JSON.parse(runner.types) as string[]
    const alive = runner.status === 'running' && now - runner.lastSeenAt < RUNNER_SILENT_MS
    for (const type of types) {
      if (alive) live.add(type)
      lastSeen.set(type, Math.max(lastSeen.get(type) ?? 0, runner.lastSeenAt))
    }
  }
  const flagged: UnhandledType[] = []
  for (const [type, counts] of waiting) {
    if (live.has(type)) continue
    // Only for types without a live worker (usually none), so the common answer costs no row reads.
    const oldest = selectOne<{ createdAt: number }>(ctx, `SELECT min(createdAt) AS createdAt FROM workerTasks WHERE type = $type AND status = 'pending'`, {
      type,
    })
    const seenAt = lastSeen.get(type) ?? null
    const since = Math.max(seenAt ?? 0, oldest?.createdAt ?? now)
    if (now - since >= UNHANDLED_AFTER_MS) flagged.push({ type, pending: counts.pending, lastSeenAt: seenAt, unhandledForMs: now - since })
  }
  return flagged.sort((a, b) => b.pending - a.pending || a.type.localeCompare(b.type))
}
