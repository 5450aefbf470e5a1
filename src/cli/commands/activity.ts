import { Command, Options } from '@effect/cli'
import { Effect, Option } from 'effect'
import type { ActivityStreamOptions } from '../../client/activityStream.js'
import type { QueueApi } from '../../client/QueueApi.js'
import type { ActivityEntry } from '../../queue/types.js'
import { activityLine } from '../formatActivity.js'
import { untilStopped } from '../live.js'
import { queueOptions } from '../options.js'
import { boundedInteger } from '../parse.js'
import { output, withQueue } from '../withQueue.js'

const text = (name: string, pseudo: string, description: string) =>
  Options.text(name).pipe(Options.withPseudoName(pseudo), Options.withDescription(description), Options.optional)

const config = {
  ...queueOptions,
  follow: Options.boolean('follow').pipe(
    Options.withAlias('f'),
    Options.withDescription('Keep printing entries as they happen (through the host, or a live query on the data dir) until Ctrl-C.'),
  ),
  since: Options.optional(boundedInteger('since', 0, Number.MAX_SAFE_INTEGER, 'Only entries after this seq (a resume cursor).')),
  limit: Options.optional(boundedInteger('limit', 1, 1000, 'How many of the latest entries to print, 1–1000. (Default: 20)')),
  task: text('task', 'ID', 'Only entries about this task.'),
  queue: text('queue', 'QUEUE', 'Only entries of tasks in this queue.'),
  type: text('type', 'TYPE', 'Only entries of tasks of this type.'),
}

type Config = Command.Command.ParseConfig<typeof config>

const DEFAULT_LIMIT = 20

const filtersOf = (c: Config) => ({
  ...(Option.isSome(c.task) ? { taskId: c.task.value } : {}),
  ...(Option.isSome(c.queue) ? { queue: c.queue.value } : {}),
  ...(Option.isSome(c.type) ? { type: c.type.value } : {}),
})

/**
 * `--follow`: the latest entries (or everything after `--since`), then live ones, each printed
 * as it comes: a line, or with `--json` one JSON object per line. The stream starts right after
 * the last entry printed (or the head read before), so nothing is missed or printed twice.
 */
const follow = (c: Config, queue: QueueApi, stopped: Promise<void>): Promise<void> => {
  const print = (entry: ActivityEntry) => process.stdout.write(`${c.json ? JSON.stringify(entry) : activityLine(entry)}\n`)
  const filters = filtersOf(c)
  return (async () => {
    let from: number | undefined = Option.getOrUndefined(c.since)
    if (from === undefined) {
      const head = (await queue.activity({ limit: 1 }))[0]?.seq ?? 0
      const latest = await queue.activity({ ...filters, limit: Option.getOrElse(c.limit, () => DEFAULT_LIMIT) })
      for (const entry of latest) print(entry)
      from = Math.max(head, latest[latest.length - 1]?.seq ?? 0)
    }
    const { followActivity } = await import('../../client/follow.js')
    const opts: ActivityStreamOptions = { ...filters, since: from }
    const stream = await followActivity(queue, opts, print)
    await Promise.race([stream.done, stopped])
    stream.close()
    await stream.done
  })()
}

/** `livequeue activity`: the latest entries of the activity stream; `--follow` keeps going live. */
export const activityCommand = Command.make('activity', config, (c) => {
  if (c.follow) return untilStopped((stopped) => withQueue(c, (queue) => follow(c, queue, stopped)))
  const limit = Option.getOrElse(c.limit, () => DEFAULT_LIMIT)
  return withQueue(c, (queue) => queue.activity({ ...filtersOf(c), limit, ...(Option.isSome(c.since) ? { since: c.since.value } : {}) })).pipe(
    Effect.flatMap((entries) => output(c, entries, (all) => (all.length === 0 ? 'no activity' : all.map(activityLine).join('\n')))),
  )
}).pipe(Command.withDescription('Print the activity stream (every task event); --follow to keep watching it live.'))
