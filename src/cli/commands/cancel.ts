import { Command } from '@effect/cli'
import type { Task } from '../../queue/types.js'
import { queueOptions } from '../options.js'
import { positional } from '../parse.js'
import { queueCommand } from '../withQueue.js'

const human = (task: Task): string =>
  task.status === 'cancelled' ? `cancelled ${task.id}` : `cancel requested for ${task.id}: it is ${task.status}; it ends cancelled when its handler stops`

/** `livequeue cancel <id>`: a pending task at once; a processing one when its handler stops. */
export const cancelCommand = Command.make('cancel', { ...queueOptions, id: positional('id', 'The task id.') }, (c) =>
  queueCommand(c, (queue) => queue.cancel(c.id), human),
).pipe(Command.withDescription('Cancel a pending or processing task, or discard a failed one (a dead letter).'))
