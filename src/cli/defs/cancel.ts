import type { Task } from '../../queue/types.js'
import { queueOptionSpecs, taskIdArg } from '../spec/common.js'
import type { QueueCommandDef } from './types.js'

/** `livequeue cancel <id>`: a pending task at once; a processing one when its handler stops. */
export const cancelDef: QueueCommandDef<typeof queueOptionSpecs, typeof taskIdArg, Task> = {
  spec: {
    name: 'cancel',
    description: 'Cancel a pending or processing task, or discard a failed one (a dead letter).',
    options: queueOptionSpecs,
    args: taskIdArg,
  },
  run: (queue, c) => queue.cancel(c.id),
  human: (task) =>
    task.status === 'cancelled' ? `cancelled ${task.id}` : `cancel requested for ${task.id}: it is ${task.status}; it ends cancelled when its handler stops`,
}
