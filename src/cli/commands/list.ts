import { Command, Options } from '@effect/cli'
import { Option } from 'effect'
import type { ListOptions, Page, Task } from '../../queue/types.js'
import { taskTable } from '../formatTask.js'
import { queueOptions } from '../options.js'
import { boundedInteger } from '../parse.js'
import { TASK_STATUSES } from '../taskStatuses.js'
import { queueCommand } from '../withQueue.js'

const config = {
  ...queueOptions,
  status: Options.optional(Options.choice('status', TASK_STATUSES).pipe(Options.withDescription('Only tasks in this status.'))),
  type: Options.optional(Options.text('type').pipe(Options.withPseudoName('TYPE'), Options.withDescription('Only tasks of this type.'))),
  queue: Options.optional(Options.text('queue').pipe(Options.withPseudoName('QUEUE'), Options.withDescription('Only tasks in this queue.'))),
  tag: Options.optional(Options.text('tag').pipe(Options.withPseudoName('TAG'), Options.withDescription('Only tasks with this tag.'))),
  limit: Options.optional(boundedInteger('limit', 1, 1000, 'Tasks per page, 1–1000. (Default: 50)')),
  cursor: Options.optional(Options.text('cursor').pipe(Options.withPseudoName('CURSOR'), Options.withDescription('The nextCursor of the previous page.'))),
  archived: Options.boolean('archived').pipe(
    Options.withDescription('Also list archived tasks (finished tasks in sealed epochs), after the current ones; pass it again with --cursor.'),
  ),
}

const human = (page: Page<Task>, archived = false): string => {
  if (page.items.length === 0) return 'no tasks'
  const more = page.nextCursor === null ? '' : `\nmore: --cursor ${page.nextCursor}${archived ? ' --archived' : ''}`
  return `${taskTable(page.items, Date.now())}${more}`
}

/** `livequeue list`: tasks newest first, one page; `--json` prints `{ items, nextCursor }`. */
export const listCommand = Command.make('list', config, (c) => {
  const opts: ListOptions = {}
  if (Option.isSome(c.status)) opts.status = c.status.value
  if (Option.isSome(c.type)) opts.type = c.type.value
  if (Option.isSome(c.queue)) opts.queue = c.queue.value
  if (Option.isSome(c.tag)) opts.tag = c.tag.value
  if (Option.isSome(c.limit)) opts.limit = c.limit.value
  if (Option.isSome(c.cursor)) opts.cursor = c.cursor.value
  if (c.archived) opts.archived = true
  return queueCommand(
    c,
    (queue) => queue.list(opts),
    (page) => human(page, c.archived),
  )
}).pipe(Command.withDescription('List tasks, newest first.'))
