/**
 * The ordering contract, in one place (the claim materializer and every read that asks "what is
 * claimable" use it). A task is eligible when it is `pending`, its `processAfter` has come, its
 * queue is not paused and every task in `dependsOn` is completed (`blockedBy = 0`). Among
 * eligible tasks: priority DESC (`claimRank = 100 - priority` ASC), then `createdAt` ASC, then
 * `id` ASC. The index `workerTasks_claim` is in exactly this order. The unary `+` on processAfter
 * keeps SQLite from picking the `(status, processAfter)` index instead and sorting every due task
 * on each claim: 7.1 ms per claim at 10,000 pending with that plan, 0.6 ms walking
 * `workerTasks_claim` (measured for bench/README.md).
 *
 * Binds: `$now`, `$limit`, `$types` and `$queues` (a JSON array of names, or null for any).
 */
export const ELIGIBLE_SQL = `
  SELECT * FROM workerTasks t
  WHERE t.status = 'pending' AND +t.processAfter <= $now AND t.blockedBy = 0
    AND NOT EXISTS (SELECT 1 FROM queues q WHERE q.name = t.queue AND q.paused = 1)
    AND ($types IS NULL OR t.type IN (SELECT value FROM json_each($types)))
    AND ($queues IS NULL OR t.queue IN (SELECT value FROM json_each($queues)))
  ORDER BY t.claimRank, t.createdAt, t.id
  LIMIT $limit`

/**
 * When the next delayed task comes due: the earliest `processAfter` still ahead of `$now` among
 * pending, unblocked tasks of these types (`$types`, null: any) and queues (`$queues`, null: any).
 * Claimers arm one timer for it instead of polling (the local worker, the HTTP long-poll).
 */
export const NEXT_DUE_SQL = `
  SELECT min(processAfter) AS at FROM workerTasks
  WHERE status = 'pending' AND blockedBy = 0 AND processAfter > $now
    AND ($types IS NULL OR type IN (SELECT value FROM json_each($types)))
    AND ($queues IS NULL OR queue IN (SELECT value FROM json_each($queues)))`

/** Whether execution `$executionId` still holds task `$taskId` (processing, current execution): the fencing check. */
export const HOLDS_SQL = `SELECT * FROM workerTasks WHERE id = $taskId AND status = 'processing' AND currentExecutionId = $executionId`
