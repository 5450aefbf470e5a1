import type { ActivityStreamOptions } from '../../client/activityStream.js'
import type { QueueApi } from '../../client/QueueApi.js'
import type { ActivityEntry } from '../../queue/types.js'
import { queueCommandOf } from '../commandOf.js'
import { activityDef, activityFilters, DEFAULT_ACTIVITY_LIMIT } from '../defs/activity.js'
import type { ValuesOf } from '../spec/types.js'
import { activityLine } from '../formatActivity.js'
import { untilStopped } from '../live.js'
import { withQueue } from '../withQueue.js'

type Config = ValuesOf<typeof activityDef.spec.options>

/**
 * `--follow`: the latest entries (or everything after `--since`), then live ones, each printed
 * as it comes: a line, or with `--json` one JSON object per line. The stream starts right after
 * the last entry printed (or the head read before), so nothing is missed or printed twice.
 */
const follow = (c: Config, queue: QueueApi, stopped: Promise<void>): Promise<void> => {
  const print = (entry: ActivityEntry) => process.stdout.write(`${c.json ? JSON.stringify(entry) : activityLine(entry)}\n`)
  const filters = activityFilters(c)
  return (async () => {
    let from: number | undefined = c.since
    if (from === undefined) {
      const head = (await queue.activity({ limit: 1 }))[0]?.seq ?? 0
      const latest = await queue.activity({ ...filters, limit: c.limit ?? DEFAULT_ACTIVITY_LIMIT })
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

/** `livequeue activity`: the latest entries (defs/activity.ts); `--follow` keeps going live. */
export const activityCommand = queueCommandOf(activityDef, (c) => untilStopped((stopped) => withQueue(c, (queue) => follow(c, queue, stopped))))
