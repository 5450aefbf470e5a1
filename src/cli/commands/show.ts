import { queueCommandOf } from '../commandOf.js'
import { showDef } from '../defs/show.js'

/** `livequeue show`: see defs/show.ts (the quick path through a host runs the same def). */
export const showCommand = queueCommandOf(showDef)
