import { queueOptionSpecs } from '../spec/common.js'
import { durationOrDateCheck } from '../spec/checks.js'
import type { TextSpec } from '../spec/types.js'
import type { QueueCommandDef } from './types.js'

const options = {
  ...queueOptionSpecs,
  olderThan: {
    kind: 'text',
    name: 'older-than',
    pseudoName: 'DURATION|ISO',
    description: 'Finished more than this long ago (7d, 12h) or before this ISO time.',
    required: true,
    check: durationOrDateCheck('older-than'),
  } as TextSpec<number | Date> & { readonly required: true },
}

/** `livequeue prune --older-than 7d`: deletes finished tasks with their executions and activity. */
export const pruneDef: QueueCommandDef<typeof options, {}, { pruned: number; olderThan: number }> = {
  spec: { name: 'prune', description: 'Delete completed, failed and cancelled tasks finished before a cutoff.', options, args: {} },
  run: (queue, c) => queue.prune({ olderThan: c.olderThan }),
  human: (r) => `pruned ${r.pruned} finished task${r.pruned === 1 ? '' : 's'} (finished before ${new Date(r.olderThan).toISOString()})`,
}
