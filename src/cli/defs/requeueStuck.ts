import { queueOptionSpecs } from '../spec/common.js'
import type { QueueCommandDef } from './types.js'

/** `livequeue requeue-stuck`: after a crash, processing tasks whose lease passed or whose runner stopped. */
export const requeueStuckDef: QueueCommandDef<typeof queueOptionSpecs, {}, ReadonlyArray<string>> = {
  spec: {
    name: 'requeue-stuck',
    description: 'Requeue processing tasks whose lease passed or whose runner stopped.',
    options: queueOptionSpecs,
    args: {},
  },
  run: (queue) => queue.requeueStuck(),
  human: (ids) => (ids.length === 0 ? 'no stuck tasks' : [`requeued ${ids.length} stuck task${ids.length === 1 ? '' : 's'}:`, ...ids].join('\n')),
}
