import { queueCommandOf } from '../commandOf.js'
import { waitDef } from '../defs/wait.js'

/** `livequeue wait`: see defs/wait.ts (the quick path through a host runs the same def). */
export const waitCommand = queueCommandOf(waitDef)
