import { Args, Command, Options } from '@effect/cli'
import { Effect, Option } from 'effect'
import type { Schedule, ScheduleInput, ScheduleTask } from '../../scheduler/types.js'
import { UsageError } from '../errors.js'
import { relative, table } from '../format.js'
import { queueOptions } from '../options.js'
import { durationOption, textField } from '../parse.js'
import { taskFields, taskOptions } from '../taskOptions.js'
import { queueCommand } from '../withQueue.js'

/**
 * `livequeue schedule set|list|remove|pause|resume`: recurring tasks. The host's scheduler fires
 * them once per slot; these commands only edit the schedules (through the host when one runs).
 */

const name = Args.text({ name: 'name' }).pipe(Args.withDescription('The schedule name (unique).'))

const when = (s: Schedule) => (s.cron !== null ? `cron "${s.cron}"${s.timeZone ? ` ${s.timeZone}` : ' UTC'}` : `every ${Math.round((s.everyMs ?? 0) / 1000)} s`)

const describe = (s: Schedule, now = Date.now()) =>
  [
    `schedule ${s.name}: ${when(s)} → ${s.task.type}${s.enabled ? '' : ' (paused)'}`,
    `  next:     ${s.nextFireAt === null ? '-' : `${new Date(s.nextFireAt).toISOString()} (${relative(s.nextFireAt, now)})`}`,
    `  last:     ${s.lastTaskId ? `${new Date(s.lastSlotAt ?? 0).toISOString()} → task ${s.lastTaskId}` : 'never fired'}`,
    `  catch-up: ${s.catchUp}`,
  ].join('\n')

const setConfig = {
  ...queueOptions,
  name,
  cron: Options.optional(Options.text('cron').pipe(Options.withDescription('Cron: 5 fields, or 6 with seconds first ("0 3 * * *").'))),
  every: Options.optional(durationOption('every', 'A fixed interval instead of --cron: 30s, 5m, 1h (at least 1 s).')),
  tz: Options.optional(Options.text('tz').pipe(Options.withDescription('IANA time zone for --cron. (Default: UTC)'))),
  catchUp: Options.optional(
    Options.choice('catch-up', ['skip', 'once'] as const).pipe(
      Options.withDescription('After downtime: skip missed slots, or fire once for them. (Default: skip)'),
    ),
  ),
  type: textField('type', 'type', 'TYPE', 'The task type each fire enqueues.'),
  ...taskOptions,
}
type SetConfig = Command.Command.ParseConfig<typeof setConfig>

const toInput = (c: SetConfig): Effect.Effect<ScheduleInput, UsageError> => {
  if (Option.isSome(c.cron) === Option.isSome(c.every)) return Effect.fail(new UsageError({ reason: 'give exactly one of --cron or --every' }))
  return taskFields(c).pipe(
    Effect.map((fields) => ({
      task: { type: c.type, ...fields } satisfies ScheduleTask,
      ...(Option.isSome(c.cron) ? { cron: c.cron.value } : {}),
      ...(Option.isSome(c.every) ? { every: c.every.value } : {}),
      ...(Option.isSome(c.tz) ? { timeZone: c.tz.value } : {}),
      ...(Option.isSome(c.catchUp) ? { catchUp: c.catchUp.value } : {}),
    })),
  )
}

const set = Command.make('set', setConfig, (c) =>
  toInput(c).pipe(
    Effect.flatMap((input) =>
      queueCommand(
        c,
        (queue) => queue.schedules.set(c.name, input),
        (s) => describe(s),
      ),
    ),
  ),
).pipe(Command.withDescription('Create or replace a schedule.'))

const list = Command.make('list', queueOptions, (c) =>
  queueCommand(
    c,
    (queue) => queue.schedules.list(),
    (all) => {
      if (all.length === 0) return 'no schedules'
      const now = Date.now()
      return table(
        ['NAME', 'WHEN', 'TYPE', 'STATE', 'NEXT FIRE', 'LAST TASK'],
        all.map((s) => [
          s.name,
          when(s),
          s.task.type,
          s.enabled ? 'active' : 'paused',
          s.nextFireAt === null ? '-' : `${new Date(s.nextFireAt).toISOString()} (${relative(s.nextFireAt, now)})`,
          s.lastTaskId ?? '-',
        ]),
      )
    },
  ),
).pipe(Command.withDescription('List schedules with their next fire times.'))

const remove = Command.make('remove', { ...queueOptions, name }, (c) =>
  queueCommand(
    c,
    (queue) => queue.schedules.remove(c.name),
    (r) => `removed schedule ${r.name}`,
  ),
).pipe(Command.withDescription('Remove a schedule (tasks it already enqueued stay).'))

const pause = Command.make('pause', { ...queueOptions, name }, (c) =>
  queueCommand(
    c,
    (queue) => queue.schedules.pause(c.name),
    (s) => describe(s),
  ),
).pipe(Command.withDescription('Stop firing a schedule; slots passed while paused are skipped.'))

const resume = Command.make('resume', { ...queueOptions, name }, (c) =>
  queueCommand(
    c,
    (queue) => queue.schedules.resume(c.name),
    (s) => describe(s),
  ),
).pipe(Command.withDescription('Resume a paused schedule.'))

export const scheduleCommand = Command.make('schedule').pipe(
  Command.withDescription('Recurring tasks: cron or interval schedules, fired once per slot by the host.'),
  Command.withSubcommands([set, list, remove, pause, resume]),
)
