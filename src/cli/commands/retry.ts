import { queueCommandOf } from '../commandOf.js'
import { retryDef } from '../defs/retry.js'

/** `livequeue retry`: see defs/retry.ts (the quick path through a host runs the same def). */
export const retryCommand = queueCommandOf(retryDef)
