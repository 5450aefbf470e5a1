import { queueCommandOf } from '../commandOf.js'
import { statsDef } from '../defs/stats.js'

/** `livequeue stats`: see defs/stats.ts (the quick path through a host runs the same def). */
export const statsCommand = queueCommandOf(statsDef)
