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
