import type { QueueApi } from '../../client/QueueApi.js'
import type { TaskLogLine } from '../../queue/logTypes.js'
import { logPrinter } from '../formatLogs.js'
import { boundedIntegerCheck } from '../spec/checks.js'
import { queueOptionSpecs, taskIdArg } from '../spec/common.js'
import type { TextSpec } from '../spec/types.js'
import type { QueueCommandDef } from './types.js'

/** Lines per request. */
export const LOG_PAGE = 10_000

const options = {
  ...queueOptionSpecs,
  follow: { kind: 'boolean', name: 'follow', alias: 'f', description: 'Keep printing lines as they are kept, until the task is finished (or Ctrl-C).' },
  after: {
    kind: 'text',
    name: 'after',
    pseudoName: 'N',
    description: 'Only lines after this cursor (a line id).',
    check: boundedIntegerCheck('after', 0, Number.MAX_SAFE_INTEGER),
  } as TextSpec<number>,
} as const

/** Every kept line after `after`, page by page. */
const readAll = async (queue: QueueApi, id: string, after: number): Promise<TaskLogLine[]> => {
  const lines: TaskLogLine[] = []
  for (let cursor = after; ; ) {
    const page = await queue.logs(id, { after: cursor, limit: LOG_PAGE })
    lines.push(...page.items)
    if (page.items.length < LOG_PAGE) return lines
    cursor = page.cursor
  }
}

/** `livequeue logs <id>`: the task's kept `ctx.log` lines, every attempt; `--follow` (commands/logs.ts) until it is finished. */
export const logsDef: QueueCommandDef<typeof options, typeof taskIdArg, TaskLogLine[]> = {
  spec: {
    name: 'logs',
    description: "Print a task's kept log lines (ctx.log, every attempt); --follow to keep printing them until it finishes.",
    options,
    args: taskIdArg,
  },
  runs: (c) => !c.follow,
  run: (queue, c) => readAll(queue, c.id, c.after ?? 0),
  human: (all) => {
    if (all.length === 0) return 'no logs kept'
    const text: string[] = []
    const print = logPrinter((t) => text.push(t))
    for (const line of all) print(line)
    return text.join('\n')
  },
}
