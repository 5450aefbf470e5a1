import { Command } from '@effect/cli'
import { queueOptions } from '../options.js'
import { queueCommand } from '../withQueue.js'

const human = (ids: ReadonlyArray<string>): string =>
  ids.length === 0 ? 'no stuck tasks' : [`requeued ${ids.length} stuck task${ids.length === 1 ? '' : 's'}:`, ...ids].join('\n')

/** `livequeue requeue-stuck`: after a crash, processing tasks whose lease passed or whose runner stopped. */
export const requeueStuckCommand = Command.make('requeue-stuck', queueOptions, (c) => queueCommand(c, (queue) => queue.requeueStuck(), human)).pipe(
  Command.withDescription('Requeue processing tasks whose lease passed or whose runner stopped.'),
)
