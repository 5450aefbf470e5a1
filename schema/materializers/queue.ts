import { State } from '@livestore/livestore'
import type { events } from '../../events/index.js'
import { write } from './sql.js'

const setPaused = (queue: string, paused: 0 | 1, at: number) =>
  write(
    `INSERT INTO queues (name, paused, updatedAt) VALUES ($queue, $paused, $at)
     ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, updatedAt = excluded.updatedAt`,
    { queue, paused, at },
    'queues',
  )

export const queueMaterializers = (ev: Pick<typeof events, 'queuePaused' | 'queueResumed'>) =>
  State.SQLite.materializers(ev, {
    'v1.QueuePaused': (e) => setPaused(e.queue, 1, e.at),
    'v1.QueueResumed': (e) => setPaused(e.queue, 0, e.at),
  })
