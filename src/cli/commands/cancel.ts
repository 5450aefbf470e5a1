import { queueCommandOf } from '../commandOf.js'
import { cancelDef } from '../defs/cancel.js'

/** `livequeue cancel`: see defs/cancel.ts (the quick path through a host runs the same def). */
export const cancelCommand = queueCommandOf(cancelDef)
