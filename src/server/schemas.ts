import { Schema } from 'effect'
import { Task } from '../shapes/task.js'

/**
 * The answers' shapes, for the OpenAPI document. Handlers send the library's objects as they
 * are (no re-encoding on the hot path); the library's types are derived from the same schemas
 * (src/shapes), so the document cannot drift from what is sent.
 */

export { ActivityEntry } from '../shapes/activity.js'
export { AppendLogsResult, Checkpoint, LogLine, TaskLogs } from '../shapes/logs.js'
export { Runner } from '../shapes/runner.js'
export { Schedule } from '../shapes/schedule.js'
export { Stats } from '../shapes/stats.js'
export { BreakerState } from '../shapes/statuses.js'
export { Claim, Execution, FailResult, ReportResult, Task } from '../shapes/task.js'
export { Throughput } from '../shapes/throughput.js'

export const TaskPage = Schema.Struct({ items: Schema.Array(Task), nextCursor: Schema.NullOr(Schema.String) })
export const TaskList = Schema.Struct({ items: Schema.Array(Task) })

/** Who the caller is: what the dashboard asks before it shows buttons a role may not use. */
export const WhoAmI = Schema.Struct({
  name: Schema.NullOr(Schema.String).annotations({ description: "the token's name; null on a host without tokens" }),
  role: Schema.Literal('admin', 'producer', 'worker', 'viewer'),
  tokens: Schema.Boolean.annotations({ description: 'whether this host requires tokens' }),
}).annotations({ identifier: 'WhoAmI' })

export const Ok = Schema.Struct({ ok: Schema.Literal(true) })
