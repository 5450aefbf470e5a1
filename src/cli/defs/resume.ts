import { queueOptionSpecs } from '../spec/common.js'
import { queueNameArg } from './pause.js'
import type { QueueCommandDef } from './types.js'

/** `livequeue resume <queue>`: claims resume. Idempotent. */
export const resumeDef: QueueCommandDef<typeof queueOptionSpecs, typeof queueNameArg, { queue: string }> = {
  spec: { name: 'resume', description: 'Let workers claim from a paused queue again.', options: queueOptionSpecs, args: queueNameArg },
  run: (queue, c) => queue.resume(c.queue),
  human: (r) => `resumed queue ${r.queue}`,
}
