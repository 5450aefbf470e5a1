import { queueCommandOf } from '../commandOf.js'
import { resumeDef } from '../defs/resume.js'

/** `livequeue resume`: see defs/resume.ts (the quick path through a host runs the same def). */
export const resumeCommand = queueCommandOf(resumeDef)
