import { State } from '@livestore/livestore'
import type { events } from '../../events/index.js'
import { json, write } from './sql.js'

type ScheduleEvents = Pick<typeof events, 'scheduleSet' | 'scheduleRemoved' | 'schedulePaused' | 'scheduleResumed' | 'scheduleFired'>

const note = (at: number, kind: string, name: string, summary: string, taskId: string | null = null) =>
  write(
    `INSERT INTO activity (at, taskId, executionId, kind, type, queue, summary) VALUES ($at, $taskId, NULL, $kind, NULL, NULL, $summary)`,
    { at, taskId, kind, summary: `schedule ${name}: ${summary}` },
    'activity',
  )

export const scheduleMaterializers = (ev: ScheduleEvents) =>
  State.SQLite.materializers(ev, {
    'v1.ScheduleSet': (e) => [
      write(
        `INSERT INTO schedules (name, cron, everyMs, timeZone, template, catchUp, enabled, createdAt, updatedAt, nextSlotAt)
         VALUES ($name, $cron, $everyMs, $timeZone, $template, $catchUp, 1, $at, $at, $nextSlotAt)
         ON CONFLICT (name) DO UPDATE SET cron = excluded.cron, everyMs = excluded.everyMs, timeZone = excluded.timeZone,
           template = excluded.template, catchUp = excluded.catchUp, enabled = 1, updatedAt = excluded.updatedAt,
           nextSlotAt = excluded.nextSlotAt, lastSlotAt = max(COALESCE(lastSlotAt, 0), excluded.updatedAt)`,
        {
          name: e.name,
          cron: e.cron,
          everyMs: e.everyMs,
          timeZone: e.timeZone,
          template: json(e.template),
          catchUp: e.catchUp,
          at: e.at,
          nextSlotAt: e.nextSlotAt,
        },
        'schedules',
      ),
      note(
        e.at,
        'schedule-set',
        e.name,
        `${e.cron ? `cron "${e.cron}"${e.timeZone ? ` in ${e.timeZone}` : ''}` : `every ${e.everyMs} ms`} → ${e.template.type}`,
      ),
    ],
    'v1.ScheduleRemoved': (e) => [
      write(`DELETE FROM schedules WHERE name = $name`, { name: e.name }, 'schedules'),
      note(e.at, 'schedule-removed', e.name, 'removed'),
    ],
    'v1.SchedulePaused': (e) => [
      write(`UPDATE schedules SET enabled = 0, updatedAt = $at WHERE name = $name`, { name: e.name, at: e.at }, 'schedules'),
      note(e.at, 'schedule-paused', e.name, 'paused'),
    ],
    'v1.ScheduleResumed': (e) => [
      // Slots that passed while paused are skipped, not caught up.
      write(
        `UPDATE schedules SET enabled = 1, updatedAt = $at, nextSlotAt = $nextSlotAt, lastSlotAt = max(COALESCE(lastSlotAt, 0), $at) WHERE name = $name`,
        { name: e.name, at: e.at, nextSlotAt: e.nextSlotAt },
        'schedules',
      ),
      note(e.at, 'schedule-resumed', e.name, 'resumed'),
    ],
    'v1.ScheduleFired': (e) => [
      write(
        `UPDATE schedules SET lastSlotAt = max(COALESCE(lastSlotAt, 0), $slotAt), lastTaskId = $taskId, nextSlotAt = $nextSlotAt, updatedAt = $at
         WHERE name = $name`,
        { name: e.name, slotAt: e.slotAt, taskId: e.taskId, nextSlotAt: e.nextSlotAt, at: e.at },
        'schedules',
      ),
      note(
        e.at,
        'schedule-fired',
        e.name,
        `fired for ${new Date(e.slotAt).toISOString()}${e.missedSlots > 1 ? ` (catching up ${e.missedSlots} missed slots)` : ''}`,
        e.taskId,
      ),
    ],
  })
