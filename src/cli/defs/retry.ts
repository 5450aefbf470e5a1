import type { Task } from '../../queue/types.js'
import { queueOptionSpecs, taskIdArg } from '../spec/common.js'
import type { QueueCommandDef } from './types.js'

/** `livequeue retry <id>`: a failed (dead-lettered) or cancelled task back to pending. */
export const retryDef: QueueCommandDef<typeof queueOptionSpecs, typeof taskIdArg, Task> = {
  spec: { name: 'retry', description: 'Send a failed or cancelled task back to pending.', options: queueOptionSpecs, args: taskIdArg },
  run: (queue, c) => queue.retry(c.id),
  human: (task) => {
    const left = task.maxAttempts - task.attempts
    return `retried ${task.id}: ${task.status} again, ${left} attempt${left === 1 ? '' : 's'} left`
  },
}
