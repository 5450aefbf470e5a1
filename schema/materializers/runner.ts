import { State } from '@livestore/livestore'
import type { events } from '../../events/index.js'
import { json, write } from './sql.js'

export const runnerMaterializers = (ev: Pick<typeof events, 'runnerStarted' | 'runnerHeartbeat' | 'runnerStopped'>) =>
  State.SQLite.materializers(ev, {
    'v1.RunnerStarted': (e) =>
      write(
        `INSERT OR REPLACE INTO runners (id, host, pid, types, concurrency, startedAt, lastSeenAt, status)
         VALUES ($id, $host, $pid, $types, $concurrency, $at, $at, 'running')`,
        { id: e.runnerId, host: e.host, pid: e.pid, types: json(e.types), concurrency: e.concurrency, at: e.at },
        'runners',
      ),
    'v1.RunnerHeartbeat': (e) =>
      write(`UPDATE runners SET lastSeenAt = $at WHERE id = $id`, { id: e.runnerId, at: e.at }, 'runners'),
    'v1.RunnerStopped': (e) =>
      write(`UPDATE runners SET lastSeenAt = $at, status = 'stopped' WHERE id = $id`, { id: e.runnerId, at: e.at }, 'runners'),
  })
