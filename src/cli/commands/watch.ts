import { Command, Options } from '@effect/cli'
import { Option } from 'effect'
import type { QueueApi } from '../../client/QueueApi.js'
import { RemoteQueue } from '../../client/RemoteQueue.js'
import type { Stats } from '../../queue/types.js'
import { untilStopped } from '../live.js'
import { queueOptions } from '../options.js'
import { durationOption } from '../parse.js'
import { withQueue } from '../withQueue.js'
import { statsText } from '../defs/stats.js'

const interval = durationOption('interval', 'At most one refresh per this long: 500ms, 1s, 5s. (Default: 1s)').pipe(Options.optional)

const CLEAR = '\x1b[H\x1b[2J'
const HIDE_CURSOR = '\x1b[?25l'
const SHOW_CURSOR = '\x1b[?25h'

/**
 * Re-reads the stats whenever the activity stream says something happened (no polling), at
 * most once per interval. On a terminal the screen is redrawn in place (and ticks each interval
 * so the oldest-pending age and the clock move, without a request); otherwise each refresh is
 * printed below the last (with `--json`: one stats object per line).
 */
const watch = async (queue: QueueApi, c: { json: boolean; intervalMs: number }, stopped: Promise<void>): Promise<void> => {
  const tty = Boolean(process.stdout.isTTY) && !c.json
  const where = queue instanceof RemoteQueue ? queue.url : ((queue as { dataDir?: string | null }).dataDir ?? '')
  let stats: Stats | undefined
  let fetchedAt = 0

  const render = () => {
    if (stats === undefined) return
    if (c.json) return void process.stdout.write(`${JSON.stringify(stats)}\n`)
    const now = Date.now()
    if (!tty) return void process.stdout.write(`--- ${new Date(now).toISOString()}\n${statsText(stats)}\n\n`)
    const age = stats.oldestPendingAgeMs === null ? null : stats.oldestPendingAgeMs + (now - fetchedAt)
    const header = `livequeue watch · ${where} · ${new Date(now).toLocaleTimeString()} · Ctrl-C to stop`
    process.stdout.write(`${CLEAR}${header}\n\n${statsText({ ...stats, oldestPendingAgeMs: age })}\n`)
  }

  let failed: (error: unknown) => void = () => {}
  const failure = new Promise<never>((_, reject) => {
    failed = reject
  })
  failure.catch(() => {})
  let chain: Promise<void> = Promise.resolve()
  let lastRefresh = 0
  let timer: NodeJS.Timeout | undefined
  // Refreshes run one after another, never overlapping; a failed read ends the command (exit 1).
  const refresh = () => {
    lastRefresh = Date.now()
    chain = chain.then(async () => {
      stats = await queue.stats()
      fetchedAt = Date.now()
      render()
    })
    chain.catch(failed)
  }
  const schedule = () => {
    if (timer) return
    timer = setTimeout(
      () => {
        timer = undefined
        refresh()
      },
      Math.max(0, lastRefresh + c.intervalMs - Date.now()),
    )
  }

  refresh()
  await chain
  const { followActivity } = await import('../../client/follow.js')
  const stream = await followActivity(queue, {}, schedule)
  const tick = tty ? setInterval(render, c.intervalMs) : undefined
  if (tty) process.stdout.write(HIDE_CURSOR)
  try {
    await Promise.race([stream.done, stopped, failure])
  } finally {
    clearTimeout(timer)
    clearInterval(tick)
    stream.close()
    if (tty) process.stdout.write(SHOW_CURSOR)
  }
}

/** `livequeue watch`: live stats until Ctrl-C (exit 0). */
export const watchCommand = Command.make('watch', { ...queueOptions, interval }, (c) =>
  untilStopped((stopped) => withQueue(c, (queue) => watch(queue, { json: c.json, intervalMs: Option.getOrElse(c.interval, () => 1_000) }, stopped))),
).pipe(Command.withDescription('Live stats, refreshed as tasks change, until Ctrl-C.'))
