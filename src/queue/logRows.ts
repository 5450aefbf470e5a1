import type { ExecutionLogRow } from '../../schema/executionLogs.js'
import type { TaskCheckpointRow } from '../../schema/taskCheckpoints.js'
import type { Checkpoint, LogLine } from './logTypes.js'

/** Reading kept logs and checkpoints from a state database: the live store's, or a sealed epoch's (as `read.ts`'s SelectRows). */
export type SelectRows = <T>(query: string, bindValues: Record<string, string | number | null>) => ReadonlyArray<T>

export const lineFromRow = (row: Pick<ExecutionLogRow, 'id' | 'seq' | 'at' | 'message' | 'fields'>): LogLine => ({
  id: row.id,
  seq: row.seq,
  at: row.at,
  message: row.message,
  ...(row.fields === null ? {} : { fields: JSON.parse(row.fields) as Record<string, unknown> }),
})

/** A state database without the table (an archive sealed before kept logs existed) has no logs. */
const orNone = <T>(read: () => ReadonlyArray<T>): ReadonlyArray<T> => {
  try {
    return read()
  } catch (error) {
    if (/no such table/.test(String((error as Error)?.message ?? error))) return []
    throw error
  }
}

/** A task's kept lines per execution, and how many each dropped: `max(seq)` minus the lines kept. */
export const logsByExecution = (selectRows: SelectRows, taskId: string): Map<string, { logs: LogLine[]; droppedLines: number }> => {
  const rows = orNone(() => selectRows<ExecutionLogRow>('SELECT * FROM executionLogs WHERE taskId = $id ORDER BY id', { id: taskId }))
  const byExecution = new Map<string, { logs: LogLine[]; droppedLines: number }>()
  const maxSeq = new Map<string, number>()
  for (const row of rows) {
    let entry = byExecution.get(row.executionId)
    if (entry === undefined) byExecution.set(row.executionId, (entry = { logs: [], droppedLines: 0 }))
    entry.logs.push(lineFromRow(row))
    maxSeq.set(row.executionId, Math.max(maxSeq.get(row.executionId) ?? 0, row.seq))
  }
  for (const [executionId, entry] of byExecution) entry.droppedLines = (maxSeq.get(executionId) ?? 0) - entry.logs.length
  return byExecution
}

export const checkpointFromRow = (row: TaskCheckpointRow): Checkpoint => ({
  data: JSON.parse(row.data),
  savedAt: row.savedAt,
  executionId: row.executionId,
  attempt: row.attempt,
})

/** The task's checkpoint, or null; null too on a state database without the table (an archive sealed before checkpoints existed). */
export const checkpointOf = (selectRows: SelectRows, taskId: string): Checkpoint | null => {
  try {
    const row = selectRows<TaskCheckpointRow>('SELECT * FROM taskCheckpoints WHERE taskId = $id', { id: taskId })[0]
    return row === undefined ? null : checkpointFromRow(row)
  } catch (error) {
    if (/no such table/.test(String((error as Error)?.message ?? error))) return null
    throw error
  }
}

/** `logs` of a task read whole (an archived one, finished): its executions' lines after `after`, as one page. */
export const logsOfTask = (
  task: { executions?: ReadonlyArray<{ id: string; attempt: number; logs?: ReadonlyArray<LogLine> }> },
  after: number,
  limit: number,
): { items: Array<LogLine & { executionId: string; attempt: number }>; cursor: number; finished: boolean } => {
  const all = (task.executions ?? [])
    .flatMap((e) => (e.logs ?? []).map((l) => ({ ...l, executionId: e.id, attempt: e.attempt })))
    .filter((l) => l.id > after)
    .sort((a, b) => a.id - b.id)
  const items = all.slice(0, limit)
  return { items, cursor: items.at(-1)?.id ?? after, finished: all.length <= limit }
}
