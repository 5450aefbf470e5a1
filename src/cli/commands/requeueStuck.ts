import { queueCommandOf } from '../commandOf.js'
import { requeueStuckDef } from '../defs/requeueStuck.js'

/** `livequeue requeue-stuck`: see defs/requeueStuck.ts (the quick path through a host runs the same def). */
export const requeueStuckCommand = queueCommandOf(requeueStuckDef)
