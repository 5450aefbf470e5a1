import { describe, expect, it } from 'vitest'
import { events } from '../events/index.js'
import {
  DEFAULT_MAX_PAYLOAD_BYTES,
  LATEST_TIME_MS,
  MAX_BACKOFF_FACTOR,
  MAX_BACKOFF_MS,
  MAX_DEPENDENCIES,
  MAX_DURATION_MS,
  MAX_ERROR_MESSAGE_CHARS,
  MAX_JSON_DEPTH,
  MAX_LEASE_MS,
  MAX_METADATA_BYTES,
  MAX_PROGRESS_MESSAGE_CHARS,
  MAX_RETRY_AFTER_MS,
  MAX_RUNNER_ID_CHARS,
  MAX_SCHEDULE_EVERY_MS,
  MAX_TAG_CHARS,
  MAX_TAGS,
  MAX_TIMEOUT_MS,
} from '../src/limits.js'
import type { TaskQueue } from '../src/taskQueue/TaskQueue.js'
import { memoryQueue } from './helpers/queue.js'

/**
 * A materializer that throws shuts the whole LiveStore store down (every later read says "Store
 * has been shut down"), and the host with it. Here every event type is committed with the edge
 * values validation lets through (through the queue API, and directly with store.commit), and
 * the store must still answer reads and take a normal enqueue afterwards.
 */

/** A JSON value exactly `depth` levels of arrays/objects deep. */
const nested = (depth: number): unknown => {
  let v: unknown = 'leaf'
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { k: v }
  return v
}

/** A string of exactly `bytes` bytes of JSON text once quoted (ASCII). */
const jsonOfBytes = (bytes: number) => 'x'.repeat(bytes - 2)

/** Unicode of every width: 2-, 3- and 4-byte UTF-8, a combining mark, a right-to-left mark, a NUL. */
const UNICODE = 'é水🚀e\u0301\u200f\u0000"\\'

const expectUp = async (queue: TaskQueue) => {
  // Reads work and the store still takes writes.
  await queue.stats()
  const task = await queue.enqueue({ type: 'after-edge' })
  expect((await queue.get(task.id)).status).toBe('pending')
}

const row = (queue: TaskQueue, id: string) =>
  (queue.store.query({ query: 'SELECT * FROM workerTasks WHERE id = $id', bindValues: { id } }) as Array<Record<string, unknown>>)[0]

describe('materializers on the edges of what validation lets through', () => {
  it('TaskQueued / TasksQueued: latest times, longest delays, deepest and largest JSON, every cap at its bound', async () => {
    const { queue, clock } = await memoryQueue()
    const [latest, furthest] = await queue.enqueueMany([
      { type: 'a'.repeat(128), runAt: new Date(LATEST_TIME_MS), priority: 100, maxAttempts: 1000 },
      { type: 'b', delay: MAX_DURATION_MS, priority: 0, maxAttempts: 1, timeoutMs: MAX_TIMEOUT_MS },
    ])
    expect(row(queue, latest!.id)).toMatchObject({ processAfter: LATEST_TIME_MS, priority: 100, claimRank: 0, maxAttempts: 1000 })
    expect(row(queue, furthest!.id)).toMatchObject({ processAfter: clock.now() + MAX_DURATION_MS, timeoutMs: MAX_TIMEOUT_MS })

    const deep = await queue.enqueue({ type: 'deep', payload: nested(MAX_JSON_DEPTH), metadata: { m: nested(MAX_JSON_DEPTH - 1) } })
    expect((await queue.get(deep.id)).payload).toEqual(nested(MAX_JSON_DEPTH))
    const big = await queue.enqueue({
      type: 'big',
      payload: jsonOfBytes(DEFAULT_MAX_PAYLOAD_BYTES),
      metadata: { m: jsonOfBytes(MAX_METADATA_BYTES - 6) },
    })
    expect(String((await queue.get(big.id)).payload)).toHaveLength(DEFAULT_MAX_PAYLOAD_BYTES - 2)

    const odd = await queue.enqueue({
      id: 'i'.repeat(128),
      type: 'odd',
      payload: { '': '', [UNICODE]: [UNICODE, 0, -0, 1e308, -1e308, 5e-324, true, null, {}, []] },
      tags: Array.from({ length: MAX_TAGS }, (_, i) => `${i}${UNICODE}`.padEnd(MAX_TAG_CHARS, '水')),
      metadata: { '': '', [UNICODE]: UNICODE },
      idempotencyKey: `${UNICODE}`.padEnd(256, '🚀'.slice(0, 1)),
      backoff: { strategy: 'exponential', baseMs: MAX_BACKOFF_MS, factor: MAX_BACKOFF_FACTOR, maxMs: MAX_BACKOFF_MS, jitter: true },
    })
    expect((await queue.get(odd.id)).tags).toHaveLength(MAX_TAGS)

    const deps = await queue.enqueueMany(Array.from({ length: MAX_DEPENDENCIES }, () => ({ type: 'dep' })))
    const blocked = await queue.enqueue({ type: 'blocked', dependsOn: deps.map((d) => d.id) })
    expect(row(queue, blocked.id)).toMatchObject({ blockedBy: MAX_DEPENDENCIES })

    // The same edges committed directly, the batch form included.
    const queued = (id: string, extra: Record<string, unknown> = {}) => ({
      id,
      type: 'direct',
      queue: 'q'.repeat(128),
      payload: nested(MAX_JSON_DEPTH),
      priority: 100,
      processAfter: LATEST_TIME_MS,
      createdAt: LATEST_TIME_MS,
      maxAttempts: 1000,
      backoff: { strategy: 'fibonacci' as const, baseMs: MAX_BACKOFF_MS, factor: MAX_BACKOFF_FACTOR, maxMs: MAX_BACKOFF_MS, jitter: false },
      timeoutMs: MAX_TIMEOUT_MS,
      dependsOn: [],
      idempotencyKey: null,
      tags: [UNICODE],
      metadata: { [UNICODE]: nested(MAX_JSON_DEPTH - 1) },
      escalatedFrom: null,
      createdBy: UNICODE,
      ...extra,
    })
    queue.store.commit(events.taskQueued(queued('direct-1')))
    queue.store.commit(events.tasksQueued({ tasks: [queued('direct-2'), queued('direct-3', { processAfter: 0, createdAt: 0, priority: 0 })] }))
    expect(row(queue, 'direct-3')).toMatchObject({ processAfter: 0, claimRank: 100 })
    expect(row(queue, 'direct-2')).toMatchObject({ processAfter: LATEST_TIME_MS })
    await expectUp(queue)
    await queue.close()
  })

  it('claims, heartbeats, progress, completions, failures and lease expiry at their bounds', async () => {
    const { queue, clock } = await memoryQueue()
    await queue.enqueueMany(
      Array.from({ length: 6 }, (_, i) => ({
        type: 'w',
        maxAttempts: 1000,
        backoff: { strategy: 'exponential' as const, baseMs: MAX_BACKOFF_MS, factor: MAX_BACKOFF_FACTOR, maxMs: MAX_BACKOFF_MS },
        payload: i,
      })),
    )
    const claims = await queue.claim({ runnerId: 'r'.repeat(MAX_RUNNER_ID_CHARS), limit: 6, leaseMs: MAX_LEASE_MS })
    expect(claims).toHaveLength(6)
    const [a, b, c, d, e, f] = claims.map((x) => x.executionId) as string[]
    expect(await queue.heartbeat(a!, { leaseMs: MAX_LEASE_MS })).toMatchObject({ accepted: true, leaseUntil: clock.now() + MAX_LEASE_MS })
    await queue.progress(a!, 0, '')
    await queue.progress(a!, 1, UNICODE.padEnd(MAX_PROGRESS_MESSAGE_CHARS, '水'), { leaseMs: MAX_LEASE_MS })
    await queue.complete(a!, nested(MAX_JSON_DEPTH))
    await queue.complete(b!, jsonOfBytes(DEFAULT_MAX_PAYLOAD_BYTES))
    const failed = await queue.fail(
      c!,
      { type: UNICODE.repeat(100), message: 'm'.repeat(MAX_ERROR_MESSAGE_CHARS * 3), stack: 's'.repeat(1e6) },
      {
        retryAfterMs: MAX_RETRY_AFTER_MS,
      },
    )
    expect(failed.retryAt).toBe(clock.now() + MAX_RETRY_AFTER_MS)
    await queue.fail(d!, new Error(''), { permanent: true })
    await queue.fail(e!, '', { outcome: 'interrupted' })
    // The reaper with the largest backoff: a bounded retry time.
    clock.advance(MAX_LEASE_MS + 1)
    await queue.expireLeases()
    const reaped = (await queue.list({ limit: 1000 })).items.find((t) => t.currentExecutionId === null && t.payload === 5)
    expect(reaped?.processAfter).toBeLessThanOrEqual(LATEST_TIME_MS)
    expect(f).toBeDefined()

    // The batch forms and the latest times, committed directly.
    await queue.enqueueMany([
      { id: 'x1', type: 'x' },
      { id: 'x2', type: 'x' },
    ])
    queue.store.commit(
      events.tasksClaimed({
        claims: [
          { taskId: 'x1', executionId: 'ex1', runnerId: UNICODE, attempt: 1000, at: LATEST_TIME_MS, leaseUntil: LATEST_TIME_MS },
          { taskId: 'x2', executionId: 'ex2', runnerId: '', attempt: 1, at: 0, leaseUntil: LATEST_TIME_MS },
        ],
      }),
    )
    queue.store.commit(events.taskHeartbeat({ taskId: 'x1', executionId: 'ex1', at: LATEST_TIME_MS, leaseUntil: LATEST_TIME_MS }))
    queue.store.commit(events.taskProgress({ taskId: 'x1', executionId: 'ex1', at: LATEST_TIME_MS, leaseUntil: LATEST_TIME_MS, progress: 1, message: UNICODE }))
    queue.store.commit(
      events.tasksCompleted({
        completions: [
          { taskId: 'x1', executionId: 'ex1', at: LATEST_TIME_MS, result: nested(MAX_JSON_DEPTH) },
          { taskId: 'x2', executionId: 'wrong', at: 0, result: UNICODE },
        ],
      }),
    )
    queue.store.commit(
      events.taskFailed({
        taskId: 'x2',
        executionId: 'ex2',
        at: LATEST_TIME_MS,
        error: { type: '', message: UNICODE, stack: null },
        outcome: 'timedOut',
        retryAt: LATEST_TIME_MS,
      }),
    )
    expect(row(queue, 'x1')).toMatchObject({ status: 'completed', finishedAt: LATEST_TIME_MS })
    expect(row(queue, 'x2')).toMatchObject({ status: 'pending', processAfter: LATEST_TIME_MS })
    await queue.enqueue({ id: 'x3', type: 'x' })
    queue.store.commit(events.taskClaimed({ taskId: 'x3', executionId: 'ex3', runnerId: 'r', attempt: 1, at: 0, leaseUntil: 0 }))
    queue.store.commit(events.taskLeaseExpired({ taskId: 'x3', executionId: 'ex3', at: LATEST_TIME_MS, retryAt: LATEST_TIME_MS }))
    queue.store.commit(events.taskCompleted({ taskId: 'x3', executionId: 'ex3', at: LATEST_TIME_MS, result: null }))
    expect(row(queue, 'x3')).toMatchObject({ status: 'pending', processAfter: LATEST_TIME_MS })
    await expectUp(queue)
    await queue.close()
  })

  it('cancel, retry, escalate, prune, queues, runners, breakers and schedules at their bounds', async () => {
    const { queue, clock } = await memoryQueue()
    const deep = await queue.enqueue({ type: 'deep', payload: nested(MAX_JSON_DEPTH), maxAttempts: 1 })
    const [claim] = await queue.claim({ runnerId: 'r' })
    await queue.fail(claim!.executionId, new Error('x'.repeat(MAX_ERROR_MESSAGE_CHARS * 2)))
    // An escalation wraps a payload already at the caps: it must still be accepted.
    const linked = await queue.escalate({
      taskId: deep.id,
      executionId: claim!.executionId,
      toType: 'human',
      reason: 'failure',
      error: new Error('x'.repeat(1e5)),
    })
    expect(linked.payload).toMatchObject({ fromTaskId: deep.id })
    await queue.retry(deep.id)
    await queue.cancel(deep.id)
    await queue.cancel(linked.id)
    queue.store.commit(events.taskCancelRequested({ taskId: 'none', at: LATEST_TIME_MS }))
    queue.store.commit(events.taskCancelled({ taskId: linked.id, executionId: null, at: LATEST_TIME_MS }))
    queue.store.commit(events.taskRetried({ taskId: linked.id, at: LATEST_TIME_MS }))
    queue.store.commit(events.taskEscalated({ taskId: deep.id, toTaskId: UNICODE, toType: UNICODE, reason: 'timeout', at: LATEST_TIME_MS }))
    expect(row(queue, linked.id)).toMatchObject({ status: 'pending', processAfter: LATEST_TIME_MS })

    clock.advance(1)
    await queue.prune({ olderThan: MAX_DURATION_MS })
    await queue.prune({ olderThan: new Date(LATEST_TIME_MS) })
    queue.store.commit(events.tasksPruned({ olderThan: LATEST_TIME_MS, at: LATEST_TIME_MS }))

    await queue.pause('q'.repeat(128))
    queue.store.commit(events.queueResumed({ queue: UNICODE, at: LATEST_TIME_MS }))
    await queue.runnerStarted({ runnerId: 'r'.repeat(200), types: [UNICODE], concurrency: Number.MAX_SAFE_INTEGER, host: UNICODE, pid: 0 })
    queue.store.commit(events.runnerHeartbeat({ runnerId: 'r'.repeat(200), at: LATEST_TIME_MS }))
    queue.store.commit(events.runnerStopped({ runnerId: 'r'.repeat(200), at: LATEST_TIME_MS }))
    await queue.recordBreaker({ runnerId: 'r', type: 'deep', state: 'open', consecutiveFailures: Number.MAX_SAFE_INTEGER, reopensAt: LATEST_TIME_MS })
    queue.store.commit(
      events.circuitBreakerChanged({ runnerId: UNICODE, type: UNICODE, state: 'halfOpen', consecutiveFailures: 0, at: LATEST_TIME_MS, reopensAt: null }),
    )

    const s = await queue.schedules.set('s'.repeat(128), {
      every: MAX_SCHEDULE_EVERY_MS,
      task: { type: 't', payload: nested(MAX_JSON_DEPTH), metadata: { m: jsonOfBytes(MAX_METADATA_BYTES - 512 - 6) }, tags: [UNICODE] },
    })
    expect(s.everyMs).toBe(MAX_SCHEDULE_EVERY_MS)
    await queue.schedules.set('cron', { cron: '0 0 29 2 *', timeZone: 'Pacific/Kiritimati', task: { type: 't' }, catchUp: 'once' })
    await queue.schedules.pause('cron')
    await queue.schedules.resume('cron')
    queue.store.commit(
      events.scheduleFired({ name: 'cron', slotAt: LATEST_TIME_MS, taskId: UNICODE, missedSlots: 100_000, nextSlotAt: null, at: LATEST_TIME_MS }),
    )
    // A schedule whose template is at the metadata cap still fires (the fire adds its own keys).
    clock.advance(MAX_SCHEDULE_EVERY_MS)
    const fired = await queue.fireDueSchedules(0)
    expect(fired.fired.map((x) => x.name)).toContain('s'.repeat(128))
    await queue.schedules.remove('cron')
    queue.store.commit(events.scheduleRemoved({ name: UNICODE, at: LATEST_TIME_MS }))
    await expectUp(queue)
    await queue.close()
  })
})
