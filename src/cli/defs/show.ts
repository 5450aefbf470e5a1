import type { ActivityEntry, Task } from '../../queue/types.js'
import { taskDetail } from '../formatTask.js'
import { queueOptionSpecs, taskIdArg } from '../spec/common.js'
import type { QueueCommandDef } from './types.js'

/** How many activity entries `show` prints. */
const ACTIVITY_SHOWN = 20

/** `livequeue show <id>`: the task with its executions and recent activity; `--json` prints the task. */
export const showDef: QueueCommandDef<typeof queueOptionSpecs, typeof taskIdArg, { task: Task; activity: ActivityEntry[] }> = {
  spec: { name: 'show', description: 'Show a task, its executions and its recent activity.', options: queueOptionSpecs, args: taskIdArg },
  run: async (queue, c) => {
    const task = await queue.get(c.id)
    const activity = c.json ? [] : await queue.activity({ taskId: c.id, limit: ACTIVITY_SHOWN })
    return { task, activity }
  },
  json: ({ task }) => task,
  human: ({ task, activity }) => taskDetail(task, activity, Date.now()),
}
