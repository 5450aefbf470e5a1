import { Command } from '@effect/cli'
import { taskDetail } from '../formatTask.js'
import { queueOptions } from '../options.js'
import { positional } from '../parse.js'
import { withQueue, output } from '../withQueue.js'
import { Effect } from 'effect'

/** How many activity entries `show` prints. */
const ACTIVITY_SHOWN = 20

/** `livequeue show <id>`: the task with its executions and recent activity; `--json` prints the task. */
export const showCommand = Command.make('show', { ...queueOptions, id: positional('id', 'The task id.') }, (c) =>
  withQueue(c, async (queue) => {
    const task = await queue.get(c.id)
    const activity = c.json ? [] : await queue.activity({ taskId: c.id, limit: ACTIVITY_SHOWN })
    return { task, activity }
  }).pipe(Effect.flatMap(({ task, activity }) => output(c, task, () => taskDetail(task, activity, Date.now())))),
).pipe(Command.withDescription('Show a task, its executions and its recent activity.'))
