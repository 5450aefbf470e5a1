import { Command } from '@effect/cli'
import type { Task } from '../../queue/types.js'
import { queueOptions } from '../options.js'
import { positional } from '../parse.js'
import { queueCommand } from '../withQueue.js'

const human = (task: Task): string => {
  const left = task.maxAttempts - task.attempts
  return `retried ${task.id}: ${task.status} again, ${left} attempt${left === 1 ? '' : 's'} left`
}

/** `livequeue retry <id>`: a failed (dead-lettered) or cancelled task back to pending. */
export const retryCommand = Command.make('retry', { ...queueOptions, id: positional('id', 'The task id.') }, (c) =>
  queueCommand(c, (queue) => queue.retry(c.id), human),
).pipe(Command.withDescription('Send a failed or cancelled task back to pending.'))
