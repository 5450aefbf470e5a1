import type { LogLine, TaskLogLine } from '../queue/logTypes.js'
import type { Execution } from '../queue/types.js'
import { oneLine, preview } from './format.js'

/** Kept logs as text: `livequeue logs` and the logs part of `livequeue show`. */

const time = (at: number) => new Date(at).toISOString().replace('T', ' ').slice(0, 23)

/** One kept line: time, attempt, message, fields. */
export const logLine = (line: LogLine & { attempt: number }): string =>
  `${time(line.at)}  #${line.attempt}  ${oneLine(line.message)}${line.fields === undefined ? '' : `  ${preview(line.fields, 200)}`}`

/**
 * Prints lines as they come, marking where an execution starts and where lines are missing
 * (`seq` jumps: lines dropped over the bound, or by a worker that could not send them).
 */
export const logPrinter = (write: (text: string) => void) => {
  const lastSeq = new Map<string, number>()
  return (line: TaskLogLine): void => {
    const last = lastSeq.get(line.executionId)
    if (last === undefined) write(`── attempt ${line.attempt} (execution ${line.executionId})`)
    const gap = line.seq - (last ?? 0) - 1
    if (gap > 0) write(`   … ${gap} line${gap === 1 ? '' : 's'} not kept`)
    lastSeq.set(line.executionId, line.seq)
    write(logLine(line))
  }
}

/** `show`: each execution's kept lines (the newest `max` of each), with what was dropped. */
export const executionLogs = (executions: ReadonlyArray<Execution>, max = 20): string => {
  const blocks = executions
    .filter((e) => (e.logs?.length ?? 0) > 0)
    .map((e) => {
      const logs = e.logs ?? []
      const shown = logs.slice(-max)
      const hidden = logs.length - shown.length
      const notes = [
        hidden > 0 ? `${hidden} earlier kept (livequeue logs ${e.taskId})` : '',
        (e.droppedLines ?? 0) > 0 ? `${e.droppedLines} not kept` : '',
      ].filter(Boolean)
      return [
        `attempt ${e.attempt}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}:`,
        ...shown.map((l) => `  ${logLine({ ...l, attempt: e.attempt })}`),
      ].join('\n')
    })
  return blocks.length === 0 ? 'Logs: none' : `Logs:\n${blocks.join('\n')}`
}
