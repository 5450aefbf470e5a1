import { Command } from '@effect/cli'
import { queueOptions } from '../options.js'
import { positional } from '../parse.js'
import { queueCommand } from '../withQueue.js'

/** `livequeue pause <queue>`: claims stop; running tasks finish. Idempotent. */
export const pauseCommand = Command.make('pause', { ...queueOptions, queue: positional('queue', 'The queue name.', 'queue') }, (c) =>
  queueCommand(
    c,
    (queue) => queue.pause(c.queue),
    (r) => `paused queue ${r.queue}: no new claims until \`livequeue resume ${r.queue}\``,
  ),
).pipe(Command.withDescription('Stop claims from a queue (running tasks finish).'))
