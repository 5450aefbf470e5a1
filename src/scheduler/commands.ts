import { events } from '../../events/index.js'
import type { TaskTemplate } from '../../events/schedule.js'
import type { ScheduleRow } from '../../schema/schedules.js'
import { ScheduleNotFound, ValidationError } from '../errors.js'
import { MAX_METADATA_BYTES, MAX_SCHEDULE_EVERY_MS, MIN_SCHEDULE_EVERY_MS, SCHEDULE_METADATA_RESERVE_BYTES } from '../limits.js'
import { type QueueContext, select, selectOne } from '../queue/context.js'
import { parseDuration } from '../queue/duration.js'
import { NAME_PATTERN, validateEnqueueInput } from '../queue/validateInput.js'
import { nextSlot, parseCron, type Timing } from './slots.js'
import type { Schedule, ScheduleInput, ScheduleTask } from './types.js'

const checkName = (name: string) => {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new ValidationError({ field: 'name', reason: `"${name}" is not a schedule name (1–128 letters, digits or _.:/-)` })
  }
}

export const timingOf = (row: Pick<ScheduleRow, 'cron' | 'timeZone' | 'everyMs' | 'createdAt'>): Timing =>
  row.cron !== null ? { cron: row.cron, timeZone: row.timeZone } : { everyMs: row.everyMs as number, anchorAt: row.createdAt }

const readRow = (ctx: QueueContext, name: string): ScheduleRow => {
  checkName(name)
  ctx.owned.group.flush()
  const row = selectOne<ScheduleRow>(ctx, 'SELECT * FROM schedules WHERE name = $name', { name })
  if (row === undefined) throw new ScheduleNotFound({ name })
  return row
}

/** Validates the task template the way `enqueue` would; the fields a schedule decides itself are refused. */
const template = (ctx: QueueContext, task: ScheduleTask): TaskTemplate => {
  for (const field of ['delay', 'runAt', 'dependsOn', 'idempotencyKey', 'id'] as const) {
    if (task && field in task) throw new ValidationError({ field: `task.${field}`, reason: 'a schedule sets this itself; leave it out' })
  }
  // Not the schedule's own fields: `task.delay` etc. are refused above, and the caps apply as at enqueue.
  // A declared type's defaults and payload schema, as at enqueue: a bad payload is refused now, not at every fire.
  const p = validateEnqueueInput(ctx.taskTypes.prepare(task, 'task.'), {
    maxPayloadBytes: ctx.maxPayloadBytes,
    // Each fire adds schedule, slot and missedSlots to the metadata: leave room, or a fire would be refused.
    maxMetadataBytes: MAX_METADATA_BYTES - SCHEDULE_METADATA_RESERVE_BYTES,
    now: 0,
    newId: () => 'template',
  })
  const { type, payload, priority, queue, maxAttempts, backoff, timeoutMs, tags, metadata } = p
  return { type, payload, priority, queue, maxAttempts, backoff, timeoutMs, tags, metadata }
}

/** Creates or replaces a schedule. Refuses a bad cron, time zone, interval or task, writing nothing. */
export const setSchedule = async (ctx: QueueContext, name: string, input: ScheduleInput): Promise<Schedule> => {
  checkName(name)
  if (typeof input !== 'object' || input === null) throw new ValidationError({ field: 'schedule', reason: 'give { cron | every, task }' })
  if ((input.cron === undefined) === (input.every === undefined)) {
    throw new ValidationError({ field: 'cron', reason: 'give exactly one of cron or every' })
  }
  if (input.catchUp !== undefined && input.catchUp !== 'skip' && input.catchUp !== 'once') {
    throw new ValidationError({ field: 'catchUp', reason: 'must be skip or once' })
  }
  if (input.timeZone !== undefined && input.cron === undefined) throw new ValidationError({ field: 'timeZone', reason: 'applies to cron only' })
  const everyMs = input.every === undefined ? null : typeof input.every === 'number' ? input.every : parseDuration(input.every, 'every')
  if (everyMs !== null && !(Number.isInteger(everyMs) && everyMs >= MIN_SCHEDULE_EVERY_MS && everyMs <= MAX_SCHEDULE_EVERY_MS)) {
    throw new ValidationError({
      field: 'every',
      reason: `must be at least 1 s and at most 100 years: a whole number of ms from ${MIN_SCHEDULE_EVERY_MS} to ${MAX_SCHEDULE_EVERY_MS}; got ${everyMs}`,
    })
  }
  if (input.cron !== undefined && (typeof input.cron !== 'string' || input.cron.length > 256)) {
    throw new ValidationError({ field: 'cron', reason: 'must be a cron expression of at most 256 characters' })
  }
  if (input.timeZone !== undefined && (typeof input.timeZone !== 'string' || input.timeZone.length > 64)) {
    throw new ValidationError({ field: 'timeZone', reason: 'must be an IANA time zone name of at most 64 characters' })
  }
  if (input.cron !== undefined) parseCron(input.cron, input.timeZone ?? null)
  const tmpl = template(ctx, input.task)
  const at = ctx.now()
  const existing = selectOne<ScheduleRow>(ctx, 'SELECT * FROM schedules WHERE name = $name', { name })
  // An interval keeps its anchor when replaced with the same interval, so its slots stay put.
  const anchorAt = existing && existing.everyMs === everyMs ? existing.createdAt : at
  const timing: Timing = input.cron !== undefined ? { cron: input.cron, timeZone: input.timeZone ?? null } : { everyMs: everyMs as number, anchorAt }
  await ctx.owned.group.submit([
    events.scheduleSet({
      name,
      cron: input.cron ?? null,
      everyMs,
      timeZone: input.cron !== undefined ? (input.timeZone ?? null) : null,
      template: tmpl,
      catchUp: input.catchUp ?? 'skip',
      at,
      nextSlotAt: nextSlot(timing, Math.max(at, existing?.lastSlotAt ?? 0)),
    }),
  ])
  return getSchedule(ctx, name)
}

export const removeSchedule = async (ctx: QueueContext, name: string): Promise<{ name: string; removed: true }> => {
  readRow(ctx, name)
  await ctx.owned.group.submit([events.scheduleRemoved({ name, at: ctx.now() })])
  return { name, removed: true }
}

export const pauseSchedule = async (ctx: QueueContext, name: string): Promise<Schedule> => {
  readRow(ctx, name)
  await ctx.owned.group.submit([events.schedulePaused({ name, at: ctx.now() })])
  return getSchedule(ctx, name)
}

export const resumeSchedule = async (ctx: QueueContext, name: string): Promise<Schedule> => {
  const row = readRow(ctx, name)
  const at = ctx.now()
  await ctx.owned.group.submit([events.scheduleResumed({ name, at, nextSlotAt: nextSlot(timingOf(row), Math.max(at, row.lastSlotAt ?? 0)) })])
  return getSchedule(ctx, name)
}

export const scheduleFromRow = (row: ScheduleRow, now: number): Schedule => ({
  name: row.name,
  cron: row.cron,
  everyMs: row.everyMs,
  timeZone: row.timeZone,
  task: JSON.parse(row.template),
  catchUp: row.catchUp,
  enabled: row.enabled === 1,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  lastSlotAt: row.lastSlotAt,
  lastTaskId: row.lastTaskId,
  nextFireAt: row.enabled === 1 ? nextSlot(timingOf(row), Math.max(now, row.lastSlotAt ?? 0)) : null,
})

export const getSchedule = (ctx: QueueContext, name: string): Schedule => scheduleFromRow(readRow(ctx, name), ctx.now())

/** Every schedule with its next fire time, by name. */
export const listSchedules = (ctx: QueueContext): Schedule[] => {
  ctx.owned.group.flush()
  const now = ctx.now()
  return select<ScheduleRow>(ctx, 'SELECT * FROM schedules ORDER BY name').map((row) => scheduleFromRow(row, now))
}
