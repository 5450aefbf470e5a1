/**
 * The ordering contract, in one place (the claim materializer and every read that asks "what is
 * claimable" use it). A task is eligible when it is `pending`, its `processAfter` has come, its
 * queue is not paused, every task in `dependsOn` is completed (`blockedBy = 0`), and neither its
 * type nor its queue is out of rate-limit claims or paused by `ctx.rateLimited` (`rateLimits`).
 * Among eligible tasks: priority DESC (`claimRank = 100 - priority` ASC), then `createdAt` ASC,
 * then `id` ASC. The index `workerTasks_claim` is in exactly this order. The unary `+` on
 * processAfter keeps SQLite from picking the `(status, processAfter)` index instead and sorting
 * every due task on each claim: 7.1 ms per claim at 10,000 pending with that plan, 0.6 ms walking
 * `workerTasks_claim` (measured for bench/README.md).
 *
 * Binds: `$now`, `$limit`, `$types` and `$queues` (a JSON array of names, or null for any).
 */
const due = (t: string) => `${t}.status = 'pending' AND +${t}.processAfter <= $now AND ${t}.blockedBy = 0
    AND NOT EXISTS (SELECT 1 FROM queues q WHERE q.name = ${t}.queue AND q.paused = 1)
    AND ($types IS NULL OR ${t}.type IN (SELECT value FROM json_each($types)))
    AND ($queues IS NULL OR ${t}.queue IN (SELECT value FROM json_each($queues)))`

/** What `remaining` says for a row with no `max` whose pause is over: no limit. */
const UNLIMITED = 1_000_000_000

/**
 * Every `rateLimits` row and how many claims it has left at `$now`: 0 while paused, else `max`
 * minus the claims of the last `perMs` (the sliding window of `rateLimitClaims`), or a billion
 * for a row with no `max` whose pause is over.
 */
export const LIMITS_NOW_SQL = `SELECT r.scope, r.name, r.max, r.perMs, r.pausedUntil,
    CASE WHEN r.pausedUntil > $now THEN 0
         WHEN r.max IS NULL THEN ${UNLIMITED}
         ELSE max(0, r.max - (SELECT count(*) FROM rateLimitClaims c WHERE c.scope = r.scope AND c.name = r.name AND c.at > $now - r.perMs))
    END AS remaining
  FROM rateLimits r`

/** Whether task `t`'s type or queue has a `rateLimits` row: the value of `workerTasks.limited`. */
export const hasRateLimitRow = (t: string) =>
  `EXISTS (SELECT 1 FROM rateLimits r WHERE (r.scope = 'type' AND r.name = ${t}.type) OR (r.scope = 'queue' AND r.name = ${t}.queue))`

/**
 * The first `$limit` eligible tasks of one limited key (`l`, with claims left) in claim order, by
 * its index (`workerTasks_typeClaim` / `workerTasks_queueClaim`), skipping tasks the other scope
 * has no claim left for.
 */
const firstOfKey = (column: 'type' | 'queue', other: 'type' | 'queue') => `SELECT l.name AS keyName, x.id FROM lim l CROSS JOIN workerTasks x ON x.id IN (
      SELECT w.id FROM workerTasks w WHERE w.${column} = l.name AND ${due('w')}
        AND w.${other} NOT IN (SELECT name FROM lim WHERE scope = '${other}' AND remaining = 0)
      ORDER BY w.claimRank, w.createdAt, w.id LIMIT $limit)
    WHERE l.scope = '${column}' AND l.remaining > 0`

/**
 * Two arms, merged in claim order. Tasks that no limit touches (`limited = 0`) walk
 * `workerTasks_claim`, which keeps rate-limited tasks apart, and stop at `$limit` (the plan
 * above, untouched when no limit exists; a used-up limit on a backlog of 10,000 is not walked
 * over: 52 ms per claim when it was, bench/claimSql.ts). For tasks of a limited type or
 * queue, the candidates are the first `$limit` of each key that has claims left (an index walk
 * per key, so a backlog of 10,000 rate-limited tasks costs no more than 10); they are ranked
 * within their type and kept while the rank fits what the type has left, then the survivors are
 * ranked within their queue the same way. One claim never takes more than a limit allows, and a
 * batch claim that uses up a limited type goes on with other types. (A task kept by its type but
 * held back by its queue still used a rank of its type, so a batch may take fewer of that type
 * than it could; the next claim takes them, it never takes more.)
 */
export const ELIGIBLE_WITH_LIMITS_SQL = `
  WITH lim AS (${LIMITS_NOW_SQL}),
  candidates AS (${firstOfKey('type', 'queue')} UNION ${firstOfKey('queue', 'type')})
  SELECT t.* FROM workerTasks t
  WHERE t.limited = 0 AND ${due('t')}
  UNION ALL
  SELECT t.* FROM (
    SELECT k.id, row_number() OVER (PARTITION BY k.queue ORDER BY k.claimRank, k.createdAt, k.id) AS queueRank
    FROM (
      SELECT c.id, c.type, c.queue, c.claimRank, c.createdAt,
        row_number() OVER (PARTITION BY c.type ORDER BY c.claimRank, c.createdAt, c.id) AS typeRank
      FROM workerTasks c WHERE c.id IN (SELECT id FROM candidates)
    ) k
    WHERE k.typeRank <= COALESCE((SELECT remaining FROM lim WHERE scope = 'type' AND name = k.type), $limit)
  ) p JOIN workerTasks t ON t.id = p.id
  WHERE p.queueRank <= COALESCE((SELECT remaining FROM lim WHERE scope = 'queue' AND name = t.queue), $limit)
  ORDER BY claimRank, createdAt, id
  LIMIT $limit`

/**
 * The ordering contract's query when no rate limit or pause exists: the first arm alone. A claim
 * uses it when the store had no `rateLimits` row as the claim was made (`NextTasksClaimed.limits`
 * false), because the two-arm query costs ~2 ms per claim even with nothing to limit, against
 * ~0.15 ms for this one (bench/claimSql.ts). Safe if a limit appears meanwhile: it skips every
 * rate-limited task (`limited = 1`), so it may take fewer tasks, never more than a limit allows.
 */
export const ELIGIBLE_SQL = `
  SELECT t.* FROM workerTasks t
  WHERE t.limited = 0 AND ${due('t')}
  ORDER BY t.claimRank, t.createdAt, t.id
  LIMIT $limit`

/** The claim query for a claim made with (`true`) or without rate limits in the store. */
export const eligibleSql = (limits: boolean): string => (limits ? ELIGIBLE_WITH_LIMITS_SQL : ELIGIBLE_SQL)

/**
 * When something may next become claimable without any write: the earliest `processAfter` still
 * ahead of `$now` among pending, unblocked tasks of these types (`$types`, null: any) and queues
 * (`$queues`, null: any), or the moment a rate limit of these types/queues frees a claim (its
 * oldest claim in the window leaves it) or its pause ends. Claimers arm one timer for it instead
 * of polling (the local worker, the HTTP long-poll).
 */
export const NEXT_DUE_SQL = `
  SELECT min(at) AS at FROM (
    SELECT min(processAfter) AS at FROM workerTasks
    WHERE status = 'pending' AND blockedBy = 0 AND processAfter > $now
      AND ($types IS NULL OR type IN (SELECT value FROM json_each($types)))
      AND ($queues IS NULL OR queue IN (SELECT value FROM json_each($queues)))
    UNION ALL
    SELECT CASE WHEN l.pausedUntil > $now THEN l.pausedUntil
      ELSE (SELECT min(c.at) FROM rateLimitClaims c WHERE c.scope = l.scope AND c.name = l.name AND c.at > $now - l.perMs) + l.perMs END
    FROM (${LIMITS_NOW_SQL}) l
    WHERE l.remaining = 0
      AND ((l.scope = 'type' AND ($types IS NULL OR l.name IN (SELECT value FROM json_each($types))))
        OR (l.scope = 'queue' AND ($queues IS NULL OR l.name IN (SELECT value FROM json_each($queues))))))`

/** Whether execution `$executionId` still holds task `$taskId` (processing, current execution): the fencing check. */
export const HOLDS_SQL = `SELECT * FROM workerTasks WHERE id = $taskId AND status = 'processing' AND currentExecutionId = $executionId`
