import type { ActivityEntry } from '../../queue/types.js'
import { activityLine } from '../formatActivity.js'
import { boundedIntegerCheck } from '../spec/checks.js'
import { queueOptionSpecs } from '../spec/common.js'
import type { TextSpec } from '../spec/types.js'
import type { QueueCommandDef } from './types.js'

const text = (name: string, pseudoName: string, description: string): TextSpec => ({ kind: 'text', name, pseudoName, description })
const integer = (name: string, min: number, max: number, description: string): TextSpec<number> => ({
  kind: 'text',
  name,
  pseudoName: 'N',
  description,
  check: boundedIntegerCheck(name, min, max),
})

const options = {
  ...queueOptionSpecs,
  follow: {
    kind: 'boolean',
    name: 'follow',
    alias: 'f',
    description: 'Keep printing entries as they happen (through the host, or a live query on the data dir) until Ctrl-C.',
  },
  since: integer('since', 0, Number.MAX_SAFE_INTEGER, 'Only entries after this seq (a resume cursor).'),
  limit: integer('limit', 1, 1000, 'How many of the latest entries to print, 1–1000. (Default: 20)'),
  task: text('task', 'ID', 'Only entries about this task.'),
  queue: text('queue', 'QUEUE', 'Only entries of tasks in this queue.'),
  type: text('type', 'TYPE', 'Only entries of tasks of this type.'),
} as const

export const DEFAULT_ACTIVITY_LIMIT = 20

/** The filters given: `--task`, `--queue`, `--type`. */
export const activityFilters = (c: { task: string | undefined; queue: string | undefined; type: string | undefined }) => ({
  ...(c.task !== undefined ? { taskId: c.task } : {}),
  ...(c.queue !== undefined ? { queue: c.queue } : {}),
  ...(c.type !== undefined ? { type: c.type } : {}),
})

/** `livequeue activity`: the latest entries of the activity stream; `--follow` (commands/activity.ts) keeps going live. */
export const activityDef: QueueCommandDef<typeof options, {}, ActivityEntry[]> = {
  spec: { name: 'activity', description: 'Print the activity stream (every task event); --follow to keep watching it live.', options, args: {} },
  runs: (c) => !c.follow,
  run: (queue, c) => queue.activity({ ...activityFilters(c), limit: c.limit ?? DEFAULT_ACTIVITY_LIMIT, ...(c.since !== undefined ? { since: c.since } : {}) }),
  human: (all) => (all.length === 0 ? 'no activity' : all.map(activityLine).join('\n')),
}
