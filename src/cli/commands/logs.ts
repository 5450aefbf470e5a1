import type { QueueApi } from '../../client/QueueApi.js'
import type { TaskLogLine } from '../../queue/logTypes.js'
import { queueCommandOf } from '../commandOf.js'
import { LOG_PAGE, logsDef } from '../defs/logs.js'
import { logPrinter } from '../formatLogs.js'
import { untilStopped } from '../live.js'
import type { ValuesOf } from '../spec/types.js'
import { withQueue } from '../withQueue.js'

/** One long-poll for new lines waits at most this long (the host allows 300 s). */
const FOLLOW_WAIT_MS = 25_000

type Config = ValuesOf<typeof logsDef.spec.options, typeof logsDef.spec.args>

/** `--follow`: lines as they are kept (long-polls through the host, a live query without one), until the task is finished. */
const follow = async (c: Config, queue: QueueApi, stopped: Promise<void>): Promise<void> => {
  const write = (text: string) => process.stdout.write(`${text}\n`)
  const human = logPrinter(write)
  const print = (line: TaskLogLine) => (c.json ? write(JSON.stringify(line)) : human(line))
  let isStopped = false
  void stopped.then(() => (isStopped = true))
  let cursor = c.after ?? 0
  while (!isStopped) {
    const page = await Promise.race([queue.logs(c.id, { after: cursor, waitMs: FOLLOW_WAIT_MS, limit: LOG_PAGE }), stopped.then(() => null)])
    if (page === null) return
    for (const line of page.items) print(line)
    cursor = page.cursor
    if (page.finished) return
  }
}

/** `livequeue logs <id>`: the kept lines (defs/logs.ts); `--follow` until the task is finished. */
export const logsCommand = queueCommandOf(logsDef, (c) => untilStopped((stopped) => withQueue(c, (queue) => follow(c, queue, stopped))))
