import { queueOptionSpecs } from '../spec/common.js'
import { notAnOption } from '../spec/checks.js'
import type { ArgSpec } from '../spec/types.js'
import type { QueueCommandDef } from './types.js'

/** `<queue>`: a queue name, checked as the library checks one. */
export const queueNameArg = { queue: { name: 'queue', description: 'The queue name.', check: notAnOption('queue'), nameOf: 'queue' } satisfies ArgSpec }

/** `livequeue pause <queue>`: claims stop; running tasks finish. Idempotent. */
export const pauseDef: QueueCommandDef<typeof queueOptionSpecs, typeof queueNameArg, { queue: string }> = {
  spec: { name: 'pause', description: 'Stop claims from a queue (running tasks finish).', options: queueOptionSpecs, args: queueNameArg },
  run: (queue, c) => queue.pause(c.queue),
  human: (r) => `paused queue ${r.queue}: no new claims until \`livequeue resume ${r.queue}\``,
}
