import { queueCommandOf } from '../commandOf.js'
import { runnersDef } from '../defs/runners.js'

/** `livequeue runners`: see defs/runners.ts (the quick path through a host runs the same def). */
export const runnersCommand = queueCommandOf(runnersDef)
