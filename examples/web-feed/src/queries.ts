import { queryDb, Schema } from '@livestore/livestore'
import { tables } from 'livequeue/schema'

/** Task counts by status, live: any change to `workerTasks` re-runs it. */
export const statusCounts$ = queryDb(
  {
    query: 'SELECT status, count(*) AS n FROM workerTasks GROUP BY status ORDER BY status',
    schema: Schema.Array(Schema.Struct({ status: Schema.String, n: Schema.Number })),
    queriedTables: new Set(['workerTasks']),
  },
  { label: 'webFeed.statusCounts' },
)

/** The 20 most recently changed tasks, through LiveStore's query builder on the queue's own table. */
export const recentTasks$ = queryDb(tables.workerTasks.select('id', 'type', 'status', 'updatedAt').orderBy('updatedAt', 'desc').limit(20), {
  label: 'webFeed.recentTasks',
})
