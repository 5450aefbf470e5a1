import type { ListOptions, Page, Task } from '../../queue/types.js'
import { taskTable } from '../formatTask.js'
import { queueOptionSpecs } from '../spec/common.js'
import { boundedIntegerCheck } from '../spec/checks.js'
import type { TextSpec } from '../spec/types.js'
import { TASK_STATUSES } from '../taskStatuses.js'
import type { QueueCommandDef } from './types.js'

const text = (name: string, pseudoName: string, description: string): TextSpec => ({ kind: 'text', name, pseudoName, description })

const options = {
  ...queueOptionSpecs,
  status: { kind: 'text', name: 'status', choices: TASK_STATUSES, description: 'Only tasks in this status.' } as TextSpec<(typeof TASK_STATUSES)[number]>,
  type: text('type', 'TYPE', 'Only tasks of this type.'),
  queue: text('queue', 'QUEUE', 'Only tasks in this queue.'),
  tag: text('tag', 'TAG', 'Only tasks with this tag.'),
  limit: {
    kind: 'text',
    name: 'limit',
    pseudoName: 'N',
    description: 'Tasks per page, 1–1000. (Default: 50)',
    check: boundedIntegerCheck('limit', 1, 1000),
  } as TextSpec<number>,
  cursor: text('cursor', 'CURSOR', 'The nextCursor of the previous page.'),
  archived: {
    kind: 'boolean',
    name: 'archived',
    description: 'Also list archived tasks (finished tasks in sealed epochs), after the current ones; pass it again with --cursor.',
  },
} as const

/** `livequeue list`: tasks newest first, one page; `--json` prints `{ items, nextCursor }`. */
export const listDef: QueueCommandDef<typeof options, {}, Page<Task>> = {
  spec: { name: 'list', description: 'List tasks, newest first.', options, args: {} },
  run: (queue, c) => {
    const opts: ListOptions = {}
    if (c.status !== undefined) opts.status = c.status
    if (c.type !== undefined) opts.type = c.type
    if (c.queue !== undefined) opts.queue = c.queue
    if (c.tag !== undefined) opts.tag = c.tag
    if (c.limit !== undefined) opts.limit = c.limit
    if (c.cursor !== undefined) opts.cursor = c.cursor
    if (c.archived) opts.archived = true
    return queue.list(opts)
  },
  human: (page, c) => {
    if (page.items.length === 0) return 'no tasks'
    const more = page.nextCursor === null ? '' : `\nmore: --cursor ${page.nextCursor}${c.archived ? ' --archived' : ''}`
    return `${taskTable(page.items, Date.now())}${more}`
  },
}
