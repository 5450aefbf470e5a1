import type { ActivityEntry } from '../queue/types.js'
import { oneLine } from './format.js'

/**
 * One activity entry as one line: the columns `livequeue serve` prints (kind, type, task,
 * summary), with the date too (`activity` also shows old entries) and the full task id (for
 * `show`). Written here rather than imported from `host/activityLog.ts`, which loads LiveStore.
 */
export const activityLine = (a: ActivityEntry): string =>
  `${new Date(a.at).toISOString().replace('T', ' ').slice(0, 23)}  ${a.kind.padEnd(18)} ${(a.type ?? '').padEnd(14)} ${(a.taskId ?? '-').padEnd(36)}  ${oneLine(a.summary)}`
