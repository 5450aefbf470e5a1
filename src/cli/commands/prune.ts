import { queueCommandOf } from '../commandOf.js'
import { pruneDef } from '../defs/prune.js'

/** `livequeue prune`: see defs/prune.ts (the quick path through a host runs the same def). */
export const pruneCommand = queueCommandOf(pruneDef)
