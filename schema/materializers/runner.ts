import { State } from '@livestore/livestore'
import type { events } from '../../events/index.js'
import { json, write } from './sql.js'

export const runnerMaterializers = (ev: Pick<typeof events, 'runnerStarted' | 'runnerHeartbeat' | 'runnerStopped' | 'circuitBreakerChanged'>) =>
  State.SQLite.materializers(ev, {
    'v1.RunnerStarted': (e) =>
      write(
        `INSERT OR REPLACE INTO runners (id, host, pid, types, concurrency, startedAt, lastSeenAt, status)
         VALUES ($id, $host, $pid, $types, $concurrency, $at, $at, 'running')`,
        { id: e.runnerId, host: e.host, pid: e.pid, types: json(e.types), concurrency: e.concurrency, at: e.at },
        'runners',
      ),
    'v1.RunnerHeartbeat': (e) => write(`UPDATE runners SET lastSeenAt = $at WHERE id = $id`, { id: e.runnerId, at: e.at }, 'runners'),
    'v1.RunnerStopped': (e) => write(`UPDATE runners SET lastSeenAt = $at, status = 'stopped' WHERE id = $id`, { id: e.runnerId, at: e.at }, 'runners'),
    'v1.CircuitBreakerChanged': (e) => {
      const b = { runnerId: e.runnerId, type: e.type, state: e.state, failures: e.consecutiveFailures, at: e.at, reopensAt: e.reopensAt }
      const summary =
        e.state === 'open'
          ? `circuit breaker for ${e.type} opened on ${e.runnerId} after ${e.consecutiveFailures} consecutive failures; no claims of ${e.type} there until the cool-down ends`
          : e.state === 'halfOpen'
            ? `circuit breaker for ${e.type} half-open on ${e.runnerId}: one trial task may run`
            : `circuit breaker for ${e.type} closed on ${e.runnerId}: claims resume`
      return [
        write(
          `INSERT INTO circuitBreakers (runnerId, type, state, consecutiveFailures, changedAt, reopensAt)
           VALUES ($runnerId, $type, $state, $failures, $at, $reopensAt)
           ON CONFLICT (runnerId, type) DO UPDATE SET state = excluded.state, consecutiveFailures = excluded.consecutiveFailures,
             changedAt = excluded.changedAt, reopensAt = excluded.reopensAt`,
          b,
          'circuitBreakers',
        ),
        write(
          `INSERT INTO activity (at, taskId, executionId, kind, type, queue, summary) VALUES ($at, NULL, NULL, $kind, $type, NULL, $summary)`,
          { at: e.at, kind: `breaker-${e.state}`, type: e.type, summary },
          'activity',
        ),
      ]
    },
  })
