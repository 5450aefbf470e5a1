import { queueCommandOf } from '../commandOf.js'
import { queryDef } from '../defs/query.js'

/** `livequeue query`: see defs/query.ts (the quick path through a host runs the same def). */
export const queryCommand = queueCommandOf(queryDef)
