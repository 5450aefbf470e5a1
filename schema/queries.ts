import { queryDb } from '@livestore/livestore'
import { Schema } from 'effect'
import { ActivityEntry } from '../src/shapes/activity.js'

/**
 * Labelled live queries (labels show in LiveStore devtools). Apps that merge the queue into
 * their schema can subscribe to these directly.
 */

const TaskState = Schema.Struct({
  status: Schema.String,
  cancelRequested: Schema.Number,
  currentExecutionId: Schema.NullOr(Schema.String),
  updatedAt: Schema.Number,
})

/** One task's state: drives `wait(id)` and cancellation of a running handler. */
export const taskState$ = (taskId: string) =>
  queryDb(
    {
      query: 'SELECT status, cancelRequested, currentExecutionId, updatedAt FROM workerTasks WHERE id = $taskId',
      schema: Schema.Array(TaskState),
      bindValues: { taskId },
      queriedTables: new Set(['workerTasks']),
    },
    { label: `livequeue.taskState:${taskId}`, deps: [taskId] },
  )

/**
 * What the claim loop needs to wake: how many pending tasks there are and the earliest time one
 * becomes due. Any change to pending work changes this row, so a subscription wakes the loop.
 */
export const pendingWork$ = queryDb(
  {
    query: `SELECT count(*) AS pending, min(processAfter) AS nextDueAt, max(updatedAt) AS changedAt,
              (SELECT count(*) FROM queues WHERE paused = 1) AS pausedQueues,
              (SELECT max(updatedAt) FROM queues) AS queuesChangedAt,
              (SELECT count(*) || ':' || COALESCE(max(updatedAt), 0) FROM rateLimits) AS limitsChangedAt
            FROM workerTasks WHERE status = 'pending' AND blockedBy = 0`,
    schema: Schema.Array(
      Schema.Struct({
        pending: Schema.Number,
        nextDueAt: Schema.NullOr(Schema.Number),
        changedAt: Schema.NullOr(Schema.Number),
        pausedQueues: Schema.Number,
        queuesChangedAt: Schema.NullOr(Schema.Number),
        /** Rate limits set, cleared or paused change it: a pause lifted by hand wakes the claimers. */
        limitsChangedAt: Schema.String,
      }),
    ),
    queriedTables: new Set(['workerTasks', 'queues', 'rateLimits']),
  },
  { label: 'livequeue.pendingWork' },
)

/** Running executions whose task was asked to cancel: the worker aborts their signals. */
export const cancelRequested$ = queryDb(
  {
    query: `SELECT id, currentExecutionId FROM workerTasks WHERE status = 'processing' AND cancelRequested = 1`,
    schema: Schema.Array(Schema.Struct({ id: Schema.String, currentExecutionId: Schema.NullOr(Schema.String) })),
    queriedTables: new Set(['workerTasks']),
  },
  { label: 'livequeue.cancelRequested' },
)

/** The latest 50 activity entries, newest first: the live feed. */
export const latestActivity$ = queryDb(
  {
    query: 'SELECT * FROM activity ORDER BY seq DESC LIMIT 50',
    schema: Schema.Array(ActivityEntry),
    queriedTables: new Set(['activity']),
  },
  { label: 'livequeue.latestActivity' },
)

/** The newest activity `seq`: changes with every new entry, so a subscription follows the stream. */
export const activityHead$ = queryDb(
  {
    query: 'SELECT max(seq) AS seq FROM activity',
    schema: Schema.Array(Schema.Struct({ seq: Schema.NullOr(Schema.Number) })),
    queriedTables: new Set(['activity']),
  },
  { label: 'livequeue.activityHead', map: (rows) => rows[0]?.seq ?? 0 },
)

/** The schedules' timing and state: the scheduler re-arms its timer when this changes. */
export const schedules$ = queryDb(
  {
    query: 'SELECT name, enabled, cron, everyMs, timeZone, lastSlotAt, updatedAt FROM schedules ORDER BY name',
    schema: Schema.Array(
      Schema.Struct({
        name: Schema.String,
        enabled: Schema.Number,
        cron: Schema.NullOr(Schema.String),
        everyMs: Schema.NullOr(Schema.Number),
        timeZone: Schema.NullOr(Schema.String),
        lastSlotAt: Schema.NullOr(Schema.Number),
        updatedAt: Schema.Number,
      }),
    ),
    queriedTables: new Set(['schedules']),
  },
  { label: 'livequeue.schedules' },
)

/**
 * Whether this store was sealed (issue 13, epochs) and where the queue continues: null while it
 * is the current epoch. Read replicas and the web feed follow it to switch to `nextStoreId`.
 */
export const epochSealed$ = queryDb(
  {
    query: `SELECT storeId AS nextStoreId, epoch AS nextEpoch, at, activitySeq AS activitySeqEnd FROM epochState WHERE key = 'sealed'`,
    schema: Schema.Array(Schema.Struct({ nextStoreId: Schema.String, nextEpoch: Schema.Number, at: Schema.Number, activitySeqEnd: Schema.Number })),
    queriedTables: new Set(['epochState']),
  },
  { label: 'livequeue.epochSealed', map: (rows) => rows[0] ?? null },
)

/** A task's newest kept log line and its status: `logs(id, { waitMs })` answers when either moves. */
export const taskLogHead$ = (taskId: string) =>
  queryDb(
    {
      query: `SELECT (SELECT max(id) FROM executionLogs WHERE taskId = $taskId) AS lastId,
                (SELECT status FROM workerTasks WHERE id = $taskId) AS status`,
      schema: Schema.Array(Schema.Struct({ lastId: Schema.NullOr(Schema.Number), status: Schema.NullOr(Schema.String) })),
      bindValues: { taskId },
      queriedTables: new Set(['executionLogs', 'workerTasks']),
    },
    { label: `livequeue.taskLogHead:${taskId}`, deps: [taskId], map: (rows) => rows[0] ?? { lastId: null, status: null } },
  )

/**
 * The earliest stored lease deadline among processing tasks: it changes when tasks are claimed
 * or end, which is when the reaper looks again at the deadlines (heartbeats move them in memory,
 * src/queue/leases.ts; the reaper in src/runtime/reaper.ts).
 */
export const earliestLease$ = queryDb(
  {
    query: `SELECT min(leaseUntil) AS leaseUntil FROM workerTasks WHERE status = 'processing'`,
    schema: Schema.Array(Schema.Struct({ leaseUntil: Schema.NullOr(Schema.Number) })),
    queriedTables: new Set(['workerTasks']),
  },
  { label: 'livequeue.runtime.earliestLease' },
)
