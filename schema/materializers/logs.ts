import { State } from '@livestore/livestore'
import type { events } from '../../events/index.js'
import { activityRow, json, write } from './sql.js'
import { IS_CURRENT } from './task.js'

/** The bytes a kept line counts against its execution's bound: its message and fields, as stored. */
const LINE_BYTES = `length(CAST(message AS BLOB)) + COALESCE(length(CAST(fields AS BLOB)), 0)`

/**
 * Kept logs and checkpoints (issue 15). Pure SQL over the payload (docs/design.md, fact 4):
 * the bound on each execution's lines is applied by a statement, from numbers in the event, so
 * materializing the same events again keeps exactly the same lines.
 */
export const logMaterializers = (ev: Pick<typeof events, 'executionsLogged' | 'checkpointSaved'>) =>
  State.SQLite.materializers(ev, {
    'v1.ExecutionsLogged': (e) => {
      const b = { lines: JSON.stringify(e.lines), keepLines: e.keepLines, keepBytes: e.keepBytes }
      return [
        // Lines of executions this store does not hold (pruned, or archived by an epoch) are dropped.
        write(
          `INSERT OR IGNORE INTO executionLogs (executionId, taskId, seq, at, message, fields)
           SELECT x.id, x.taskId, j.value ->> '$.seq', j.value ->> '$.at', j.value ->> '$.message',
             CASE WHEN json_type(j.value, '$.fields') = 'object' THEN j.value -> '$.fields' END
           FROM json_each($lines) j JOIN taskExecutions x ON x.id = j.value ->> '$.executionId'
           ORDER BY j.key`,
          b,
          'executionLogs',
        ),
        // The newest lines win: per execution, drop what is past keepLines or, counted from the
        // newest, past keepBytes.
        write(
          `DELETE FROM executionLogs WHERE id IN (
             SELECT id FROM (
               SELECT id, row_number() OVER w AS n, sum(${LINE_BYTES}) OVER w AS tail
               FROM executionLogs
               WHERE executionId IN (SELECT DISTINCT value ->> '$.executionId' FROM json_each($lines))
               WINDOW w AS (PARTITION BY executionId ORDER BY seq DESC ROWS UNBOUNDED PRECEDING)
             ) WHERE n > $keepLines OR tail > $keepBytes)`,
          b,
          'executionLogs',
        ),
      ]
    },

    'v1.CheckpointSaved': (e) => {
      const data = json(e.data)
      const b = { taskId: e.taskId, executionId: e.executionId, at: e.at, data }
      return [
        activityRow(
          b,
          `'checkpoint'`,
          `'checkpoint saved by attempt ' || t.attempts || ' (' || $bytes || ' bytes)'`,
          { bytes: Buffer.byteLength(data) },
          IS_CURRENT,
        ),
        write(
          `INSERT INTO taskCheckpoints (taskId, executionId, attempt, savedAt, data)
           SELECT $taskId, $executionId, x.attempt, $at, $data FROM taskExecutions x WHERE x.id = $executionId AND ${IS_CURRENT}
           ON CONFLICT (taskId) DO UPDATE SET executionId = excluded.executionId, attempt = excluded.attempt,
             savedAt = excluded.savedAt, data = excluded.data`,
          b,
          'taskCheckpoints',
        ),
      ]
    },
  })
