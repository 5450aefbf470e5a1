import { Command, Options } from '@effect/cli'
import { Effect, Option } from 'effect'
import type { QueueApi } from '../../client/QueueApi.js'
import type { TaskLogLine } from '../../queue/logTypes.js'
import { logPrinter } from '../formatLogs.js'
import { untilStopped } from '../live.js'
import { queueOptions } from '../options.js'
import { boundedInteger, positional } from '../parse.js'
import { output, withQueue } from '../withQueue.js'

/** One long-poll for new lines waits at most this long (the host allows 300 s). */
const FOLLOW_WAIT_MS = 25_000
const PAGE = 10_000

const config = {
  ...queueOptions,
  id: positional('id', 'The task id.'),
  follow: Options.boolean('follow').pipe(
    Options.withAlias('f'),
    Options.withDescription('Keep printing lines as they are kept, until the task is finished (or Ctrl-C).'),
  ),
  after: Options.optional(boundedInteger('after', 0, Number.MAX_SAFE_INTEGER, 'Only lines after this cursor (a line id).')),
}

type Config = Command.Command.ParseConfig<typeof config>

/** Every kept line after `after`, page by page. */
const readAll = async (queue: QueueApi, id: string, after: number): Promise<TaskLogLine[]> => {
  const lines: TaskLogLine[] = []
  for (let cursor = after; ; ) {
    const page = await queue.logs(id, { after: cursor, limit: PAGE })
    lines.push(...page.items)
    if (page.items.length < PAGE) return lines
    cursor = page.cursor
  }
}

/** `--follow`: lines as they are kept (long-polls through the host, a live query without one), until the task is finished. */
const follow = async (c: Config, queue: QueueApi, stopped: Promise<void>): Promise<void> => {
  const write = (text: string) => process.stdout.write(`${text}\n`)
  const human = logPrinter(write)
  const print = (line: TaskLogLine) => (c.json ? write(JSON.stringify(line)) : human(line))
  let isStopped = false
  void stopped.then(() => (isStopped = true))
  let cursor = Option.getOrElse(c.after, () => 0)
  while (!isStopped) {
    const page = await Promise.race([queue.logs(c.id, { after: cursor, waitMs: FOLLOW_WAIT_MS, limit: PAGE }), stopped.then(() => null)])
    if (page === null) return
    for (const line of page.items) print(line)
    cursor = page.cursor
    if (page.finished) return
  }
}

/** `livequeue logs <id>`: the task's kept `ctx.log` lines, every attempt; `--follow` until it is finished. */
export const logsCommand = Command.make('logs', config, (c) => {
  if (c.follow) return untilStopped((stopped) => withQueue(c, (queue) => follow(c, queue, stopped)))
  return withQueue(c, (queue) =>
    readAll(
      queue,
      c.id,
      Option.getOrElse(c.after, () => 0),
    ),
  ).pipe(
    Effect.flatMap((lines) =>
      output(c, lines, (all) => {
        if (all.length === 0) return 'no logs kept'
        const text: string[] = []
        const print = logPrinter((t) => text.push(t))
        for (const line of all) print(line)
        return text.join('\n')
      }),
    ),
  )
}).pipe(Command.withDescription("Print a task's kept log lines (ctx.log, every attempt); --follow to keep printing them until it finishes."))
