import { Events } from '@livestore/livestore'
import { Schema } from 'effect'
import { EpochMs } from './shapes.js'

/** Claims stop for a queue; running tasks finish. */
export const queuePaused = Events.synced({
  name: 'v1.QueuePaused',
  schema: Schema.Struct({ queue: Schema.String, at: EpochMs }),
})

/** Claims resume for a queue. */
export const queueResumed = Events.synced({
  name: 'v1.QueueResumed',
  schema: Schema.Struct({ queue: Schema.String, at: EpochMs }),
})
