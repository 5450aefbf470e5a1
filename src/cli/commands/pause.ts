import { queueCommandOf } from '../commandOf.js'
import { pauseDef } from '../defs/pause.js'

/** `livequeue pause`: see defs/pause.ts (the quick path through a host runs the same def). */
export const pauseCommand = queueCommandOf(pauseDef)
