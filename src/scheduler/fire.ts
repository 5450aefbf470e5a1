import { events } from '../../events/index.js'
import type { TaskTemplate } from '../../events/schedule.js'
import type { ScheduleRow } from '../../schema/schedules.js'
import { newId } from '../ids.js'
import { type QueueContext, select, selectOne } from '../queue/context.js'
import { enqueueMany } from '../queue/enqueue.js'
import { timingOf } from './commands.js'
import { nextSlot, slotsBetween } from './slots.js'

export type Fired = { name: string; slotAt: number; taskId: string; missedSlots: number }

/** The idempotency key of a slot's task: a slot can never have two tasks, whoever fires it. */
export const slotKey = (name: string, slotAt: number) => `schedule:${name}:${new Date(slotAt).toISOString()}`

/**
 * Fires every enabled schedule that has a due slot: one task for the latest due slot (its
 * metadata counts the slots it stands for when several were due) and `ScheduleFired`, both in one
 * group commit. Slots at or before `skipThrough` are skipped for `catchUp: 'skip'` schedules (the
 * scheduler passes its start time: slots missed while no host ran). Resolves once persisted, with
 * what fired and when the next slot of any enabled schedule is.
 */
export const fireDue = async (ctx: QueueContext, skipThrough: number): Promise<{ fired: Fired[]; nextAt: number | null }> => {
  ctx.owned.group.flush()
  const now = ctx.now()
  const fired: Fired[] = []
  const writes: Promise<unknown>[] = []
  let nextAt: number | null = null
  for (const row of select<ScheduleRow>(ctx, 'SELECT * FROM schedules WHERE enabled = 1 ORDER BY name')) {
    const timing = timingOf(row)
    const after = Math.max(row.lastSlotAt ?? row.createdAt, row.catchUp === 'skip' ? skipThrough : 0)
    const due = slotsBetween(timing, after, now)
    if (due.latest !== null) {
      const f = fire(ctx, row, due.latest, due.count, now)
      fired.push(f.fired)
      writes.push(f.persisted)
    }
    const next = nextSlot(timing, Math.max(now, due.latest ?? 0, after))
    if (next !== null && (nextAt === null || next < nextAt)) nextAt = next
  }
  await Promise.all(writes)
  return { fired, nextAt }
}

/** Submits the slot's task and `ScheduleFired` in the same turn, so one group commit holds both. */
const fire = (ctx: QueueContext, row: ScheduleRow, slotAt: number, missedSlots: number, now: number) => {
  const key = slotKey(row.name, slotAt)
  const existing = selectOne<{ id: string }>(ctx, 'SELECT id FROM workerTasks WHERE idempotencyKey = $key', { key })
  const taskId = existing?.id ?? newId()
  const t = JSON.parse(row.template) as TaskTemplate
  const slot = new Date(slotAt).toISOString()
  const queued = existing
    ? Promise.resolve()
    : enqueueMany(ctx, [
        {
          id: taskId,
          type: t.type,
          payload: t.payload,
          priority: t.priority,
          queue: t.queue,
          maxAttempts: t.maxAttempts,
          backoff: t.backoff,
          ...(t.timeoutMs !== null ? { timeoutMs: t.timeoutMs } : {}),
          tags: [...t.tags],
          idempotencyKey: key,
          metadata: { ...t.metadata, schedule: row.name, slot, ...(missedSlots > 1 ? { missedSlots } : {}) },
        },
      ])
  const recorded = ctx.owned.group.submit([
    events.scheduleFired({
      name: row.name,
      slotAt,
      taskId,
      missedSlots,
      nextSlotAt: nextSlot(timingOf(row), Math.max(now, slotAt)),
      at: now,
    }),
  ])
  return { fired: { name: row.name, slotAt, taskId, missedSlots }, persisted: Promise.all([queued, recorded]) }
}
