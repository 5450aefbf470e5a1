import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readWorkingSet } from '../src/epochs/workingSet.js'
import { openQueue, type TaskQueue } from '../src/index.js'
import { MAX_LOG_MESSAGE_CHARS } from '../src/limits.js'
import type { LogInput } from '../src/queue/logTypes.js'
import { expectRefused, manualClock, memoryQueue, tempDir } from './helpers/queue.js'

const lines = (executionId: string, from: number, count: number, make = (seq: number) => `line ${seq}`): LogInput[] =>
  Array.from({ length: count }, (_, i) => ({ executionId, seq: from + i, at: 1_000 + from + i, message: make(from + i) }))

const claimOne = async (queue: TaskQueue, runnerId = 'r1') => {
  const [claim] = await queue.claim({ runnerId })
  if (claim === undefined) throw new Error('nothing to claim')
  return claim
}

const logRows = (queue: TaskQueue) => queue.store.query({ query: 'SELECT * FROM executionLogs ORDER BY id', bindValues: {} }) as Array<Record<string, unknown>>

const checkpointRows = (queue: TaskQueue) =>
  queue.store.query({ query: 'SELECT * FROM taskCheckpoints ORDER BY taskId', bindValues: {} }) as Array<Record<string, unknown>>

describe('kept logs', () => {
  it('keeps lines with their execution: get(id) returns executions[].logs with fields, oldest first', async () => {
    const { queue } = await memoryQueue()
    const task = await queue.enqueue({ type: 't' })
    const { executionId } = await claimOne(queue)
    const answer = await queue.appendLogs(
      [
        { executionId, seq: 1, at: 10, message: 'thinking' },
        { executionId, seq: 2, at: 20, message: 'called a tool', fields: { tool: 'search', tokens: 120 } },
      ],
      { runnerId: 'r1' },
    )
    expect(answer).toEqual({ kept: 2, ignored: 0 })
    const got = await queue.get(task.id)
    const logs = got.executions?.[0]?.logs ?? []
    expect(logs.map(({ seq, at, message, fields }) => ({ seq, at, message, fields }))).toEqual([
      { seq: 1, at: 10, message: 'thinking', fields: undefined },
      { seq: 2, at: 20, message: 'called a tool', fields: { tool: 'search', tokens: 120 } },
    ])
    expect(got.executions?.[0]?.droppedLines).toBe(0)
    expect(logs[0]?.id).toBeLessThan(logs[1]?.id as number)
    await queue.close()
  })

  it('keeps the newest 1,000 lines of an execution and counts the rest as dropped; each execution on its own', async () => {
    const { queue } = await memoryQueue()
    const task = await queue.enqueue({ type: 't', maxAttempts: 2 })
    const first = await claimOne(queue)
    // Over three events, as a worker's batches would come.
    await queue.appendLogs(lines(first.executionId, 1, 600))
    await queue.appendLogs(lines(first.executionId, 601, 600))
    // A gap: lines 1201–1250 never arrived (a worker dropped them); they count as dropped too.
    await queue.appendLogs(lines(first.executionId, 1251, 10))
    await queue.fail(first.executionId, new Error('again'), { retryAfterMs: 0 })
    const second = await claimOne(queue)
    await queue.appendLogs(lines(second.executionId, 1, 3))
    const [a, b] = (await queue.get(task.id)).executions ?? []
    expect(a?.logs).toHaveLength(1_000)
    // The newest 1,000: 1251–1260 and 211–1200.
    expect(a?.logs?.[0]?.seq).toBe(211)
    expect(a?.logs?.at(-1)?.seq).toBe(1_260)
    expect(a?.droppedLines).toBe(260)
    expect(b?.logs?.map((l) => l.message)).toEqual(['line 1', 'line 2', 'line 3'])
    expect(b?.droppedLines).toBe(0)
    await queue.close()
  })

  it('keeps at most 256 KiB of an execution (its newest lines); long messages are cut with a marker, never refused', async () => {
    const { queue } = await memoryQueue()
    const task = await queue.enqueue({ type: 't' })
    const { executionId } = await claimOne(queue)
    await queue.appendLogs(lines(executionId, 1, 40, (seq) => `${seq}`.padEnd(8_000, '.')))
    await queue.appendLogs([{ executionId, seq: 41, at: 1, message: 'y'.repeat(MAX_LOG_MESSAGE_CHARS + 500) }])
    const exec = (await queue.get(task.id)).executions?.[0]
    const kept = exec?.logs ?? []
    const bytes = kept.reduce((sum, l) => sum + Buffer.byteLength(l.message), 0)
    expect(bytes).toBeLessThanOrEqual(256 * 1024)
    expect(bytes).toBeGreaterThan(256 * 1024 - 8_200)
    expect(kept.at(-1)?.seq).toBe(41)
    expect(kept.at(-1)?.message).toMatch(/more characters truncated\]$/)
    expect(kept.at(-1)?.message.length).toBeLessThanOrEqual(MAX_LOG_MESSAGE_CHARS)
    expect(kept.at(-1)?.message.length).toBeGreaterThan(MAX_LOG_MESSAGE_CHARS - 50)
    expect((exec?.droppedLines ?? 0) + kept.length).toBe(41)
    await queue.close()
  })

  it('a line sent twice is kept once; lines of unknown executions are ignored; another runner is refused (NotClaimant) and nothing is written', async () => {
    const { queue } = await memoryQueue()
    const task = await queue.enqueue({ type: 't' })
    const { executionId } = await claimOne(queue, 'r1')
    await queue.appendLogs(lines(executionId, 1, 2), { runnerId: 'r1' })
    expect(await queue.appendLogs([...lines(executionId, 1, 3), ...lines('no-such-execution', 1, 2)], { runnerId: 'r1' })).toEqual({
      kept: 3,
      ignored: 2,
    })
    expect((await queue.get(task.id)).executions?.[0]?.logs?.map((l) => l.seq)).toEqual([1, 2, 3])
    await expectRefused(queue, 'NotClaimant', () => queue.appendLogs(lines(executionId, 4, 1), { runnerId: 'r2' }))
    await expectRefused(queue, 'ValidationError', () => queue.appendLogs([{ executionId, seq: 0, at: 1, message: 'x' }]))
    await expectRefused(queue, 'ValidationError', () =>
      queue.appendLogs([{ executionId, seq: 5, at: 1, message: 'x', fields: ['not', 'an', 'object'] as never }]),
    )
    await expectRefused(queue, 'ValidationError', () => queue.appendLogs([{ executionId, seq: 5, at: 1, message: 'x', fields: { big: 'z'.repeat(20_000) } }]))
    await queue.close()
  })

  it('logs(id, { after, waitMs }) answers when a line is kept (no polling), and says finished once the task is done', async () => {
    const { queue } = await memoryQueue()
    const task = await queue.enqueue({ type: 't' })
    const { executionId } = await claimOne(queue)
    await queue.appendLogs(lines(executionId, 1, 2))
    const first = await queue.logs(task.id)
    expect(first.items.map((l) => [l.message, l.attempt, l.executionId])).toEqual([
      ['line 1', 1, executionId],
      ['line 2', 1, executionId],
    ])
    expect(first.finished).toBe(false)
    const waiting = queue.logs(task.id, { after: first.cursor, waitMs: 60_000 })
    await queue.appendLogs(lines(executionId, 3, 1))
    const next = await waiting
    expect(next.items.map((l) => l.message)).toEqual(['line 3'])
    const last = queue.logs(task.id, { after: next.cursor, waitMs: 60_000 })
    await queue.complete(executionId, 'ok')
    expect(await last).toEqual({ items: [], cursor: next.cursor, finished: true })
    await expectRefused(queue, 'TaskNotFound', () => queue.logs('nope'))
    await expect(queue.logs(task.id, { limit: 0 })).rejects.toMatchObject({ _tag: 'ValidationError', field: 'limit' })
    await queue.close()
  })

  it('prune deletes the logs and checkpoints of the tasks it deletes', async () => {
    const { queue, clock } = await memoryQueue()
    await queue.enqueue({ type: 't' })
    const { executionId } = await claimOne(queue)
    await queue.appendLogs(lines(executionId, 1, 3))
    await queue.saveCheckpoint(executionId, { step: 1 })
    await queue.complete(executionId, null)
    clock.advance(60_000)
    expect((await queue.prune({ olderThan: 1_000 })).pruned).toBe(1)
    expect(logRows(queue)).toEqual([])
    expect(checkpointRows(queue)).toEqual([])
    await queue.close()
  })

  it('the state rebuilt from the event log keeps exactly the same lines (the bound is applied in SQL, replay-safe)', async () => {
    const dataDir = tempDir()
    const clock = manualClock()
    const queue = await openQueue({ dataDir, now: clock.now })
    await queue.enqueue({ type: 't' })
    const { executionId } = await claimOne(queue)
    await queue.appendLogs(lines(executionId, 1, 700))
    await queue.appendLogs(lines(executionId, 500, 700, (seq) => `again ${seq}`)) // overlaps: 500–700 are kept once
    await queue.saveCheckpoint(executionId, { step: 3 })
    const live = { logs: logRows(queue), checkpoints: checkpointRows(queue) }
    expect(live.logs).toHaveLength(1_000)
    await queue.close()
    const storeDir = path.join(dataDir, 'livequeue')
    for (const f of fs.readdirSync(storeDir).filter((f) => f.startsWith('state'))) fs.rmSync(path.join(storeDir, f))
    const rebuilt = await openQueue({ dataDir, now: clock.now })
    expect({ logs: logRows(rebuilt), checkpoints: checkpointRows(rebuilt) }).toEqual(live)
    await rebuilt.close()
  })
})

describe('checkpoints', () => {
  it('saveCheckpoint keeps the last value; the next claim of the task carries it; get(id) shows it', async () => {
    const { queue, clock } = await memoryQueue()
    const task = await queue.enqueue({ type: 't', maxAttempts: 3 })
    const first = await claimOne(queue)
    expect(first.checkpoint).toBeUndefined()
    await queue.saveCheckpoint(first.executionId, { step: 1 }, { runnerId: 'r1' })
    clock.advance(5)
    expect(await queue.saveCheckpoint(first.executionId, { step: 2, notes: ['a'] }, { runnerId: 'r1' })).toMatchObject({ accepted: true })
    await queue.fail(first.executionId, new Error('flaky'), { retryAfterMs: 0 })
    const second = await claimOne(queue, 'r2')
    expect(second.checkpoint).toEqual({ data: { step: 2, notes: ['a'] }, savedAt: clock.now(), executionId: first.executionId, attempt: 1 })
    expect((await queue.get(task.id)).checkpoint?.data).toEqual({ step: 2, notes: ['a'] })
    expect((await queue.activity({ taskId: task.id })).filter((a) => a.kind === 'checkpoint')).toHaveLength(2)
    await queue.close()
  })

  it('an execution that lost its task saves nothing (accepted: false); bad values and other runners are refused', async () => {
    const { queue } = await memoryQueue()
    const task = await queue.enqueue({ type: 't' })
    const first = await claimOne(queue)
    await queue.fail(first.executionId, new Error('x'), { retryAfterMs: 0 })
    expect(await queue.saveCheckpoint(first.executionId, { late: true })).toEqual({ accepted: false, cancelRequested: false, leaseUntil: null })
    const second = await claimOne(queue)
    await expectRefused(queue, 'NotClaimant', () => queue.saveCheckpoint(second.executionId, 1, { runnerId: 'other' }))
    await expectRefused(queue, 'ValidationError', () => queue.saveCheckpoint(second.executionId, 'x'.repeat(300_000)))
    await expectRefused(queue, 'ValidationError', () => queue.saveCheckpoint(second.executionId, undefined))
    expect((await queue.get(task.id)).checkpoint).toBeNull()
    await queue.close()
  })

  it('an epoch carries the logs and checkpoint of the tasks it carries', async () => {
    const { queue: old, clock } = await memoryQueue()
    const running = await old.enqueue({ type: 't' })
    const { executionId } = await claimOne(old)
    await old.appendLogs(lines(executionId, 1, 5))
    await old.saveCheckpoint(executionId, { step: 4 })
    const ws = readWorkingSet(old.store, { epoch: 1, fromStoreId: 'livequeue' })
    expect(ws.rows.executionLogs).toBe(5)
    expect(ws.rows.taskCheckpoints).toBe(1)
    const fresh = await openQueue({ inMemory: true, now: clock.now })
    await fresh.owned.group.submit(ws.events)
    expect(logRows(fresh)).toEqual(logRows(old))
    const carried = await fresh.get(running.id)
    expect(carried.checkpoint?.data).toEqual({ step: 4 })
    // The running execution goes on logging in the new store, after the carried lines.
    await fresh.appendLogs(lines(executionId, 6, 1))
    const page = await fresh.logs(running.id)
    expect(page.items.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6])
    await fresh.close()
    await old.close()
  })
})
