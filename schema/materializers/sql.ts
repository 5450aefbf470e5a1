/** A raw SQL write for a materializer. `writeTables` tells LiveStore which reactive queries to refresh. */
export type SqlValue = string | number | null
export type SqlWrite = { sql: string; bindValues: Record<string, SqlValue>; writeTables: ReadonlySet<string> }

export const write = (sql: string, bindValues: Record<string, SqlValue>, ...tables: string[]): SqlWrite => ({
  sql,
  bindValues,
  writeTables: new Set(tables),
})

export const json = (value: unknown): string => JSON.stringify(value ?? null)

/**
 * Inserts one activity row for a task, copying type and queue from the task row. `kindSql` is an
 * SQL expression evaluated against the task row `t` *before* the event's own updates, so a
 * guard can pick e.g. 'completed' vs 'completion-ignored' without reading state in JS (docs/design.md, fact 4).
 */
export const activityRow = (
  binds: { taskId: string; at: number; executionId?: string | null },
  kindSql: string,
  summarySql: string,
  extra: Record<string, SqlValue> = {},
  where = '1',
): SqlWrite =>
  write(
    `INSERT INTO activity (at, taskId, executionId, kind, type, queue, summary)
     SELECT $at, t.id, $executionId, ${kindSql}, t.type, t.queue, ${summarySql}
     FROM workerTasks t WHERE t.id = $taskId AND (${where})`,
    { taskId: binds.taskId, at: binds.at, executionId: binds.executionId ?? null, ...extra },
    'activity',
  )
