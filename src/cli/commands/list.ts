import { queueCommandOf } from '../commandOf.js'
import { listDef } from '../defs/list.js'

/** `livequeue list`: see defs/list.ts (the quick path through a host runs the same def). */
export const listCommand = queueCommandOf(listDef)
