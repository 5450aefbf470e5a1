import { describe, expect, it } from 'vitest'
import { expectRefused, memoryQueue } from './helpers/queue.js'

/** Every refused input names what to fix and writes nothing (the eventlog head and all tables stay). */
describe('bad input through the API', () => {
  const cases: Array<[string, string, unknown, RegExp]> = [
    ['missing type', 'ValidationError', { payload: 1 }, /type/],
    ['empty type', 'ValidationError', { type: '' }, /type/],
    ['unknown priority', 'ValidationError', { type: 't', priority: 'urgent' }, /priority must be critical, high, normal, low or an integer 0–100/],
    ['priority out of range', 'ValidationError', { type: 't', priority: 101 }, /priority/],
    ['fractional priority', 'ValidationError', { type: 't', priority: 2.5 }, /priority/],
    ['negative delay', 'ValidationError', { type: 't', delay: -5 }, /delay must be a number of ms ≥ 0/],
    ['delay and runAt', 'ValidationError', { type: 't', delay: 5, runAt: new Date() }, /either delay or runAt/],
    ['invalid runAt', 'ValidationError', { type: 't', runAt: new Date('nope') }, /runAt/],
    ['zero maxAttempts', 'ValidationError', { type: 't', maxAttempts: 0 }, /maxAttempts must be an integer 1–1000/],
    ['unknown backoff', 'ValidationError', { type: 't', backoff: 'sometimes' }, /backoff must be/],
    ['non-positive timeout', 'ValidationError', { type: 't', timeoutMs: 0 }, /timeoutMs/],
    ['payload not JSON', 'ValidationError', { type: 't', payload: { n: 10n } }, /payload: must be plain JSON/],
    ['oversize payload', 'ValidationError', { type: 't', payload: 'x'.repeat(1024 * 1024 + 1) }, /over the 1048576-byte cap/],
    ['unknown dependency', 'ValidationError', { type: 't', dependsOn: ['no-such-task'] }, /dependsOn: no task with id no-such-task/],
    ['unknown field', 'ValidationError', { type: 't', prority: 5 }, /prority/],
    ['bad queue name', 'ValidationError', { type: 't', queue: 'has space' }, /queue/],
    ['self dependency', 'DependencyCycle', { id: 'self', type: 't', dependsOn: ['self'] }, /self → self/],
  ]

  it.each(cases)('%s → %s', async (_name, tag, input, message) => {
    const { queue } = await memoryQueue()
    await queue.enqueue({ type: 'existing' })
    const error = await expectRefused(queue, tag, () => queue.enqueue(input as never))
    expect(error.message).toMatch(message)
    await queue.close()
  })

  it('enqueueMany validates every input before writing any', async () => {
    const { queue } = await memoryQueue()
    const error = await expectRefused(queue, 'ValidationError', () =>
      queue.enqueueMany([{ type: 'fine' }, { type: 'fine' }, { type: 't', priority: 'urgent' as never }]),
    )
    expect(error.message).toMatch(/^invalid \[2\]\.priority/)
    await expectRefused(queue, 'DependencyCycle', () =>
      queue.enqueueMany([
        { id: 'a', type: 't', dependsOn: ['c'] },
        { id: 'b', type: 't', dependsOn: ['a'] },
        { id: 'c', type: 't', dependsOn: ['b'] },
      ]),
    )
    await queue.close()
  })

  it('a reused id is refused', async () => {
    const { queue } = await memoryQueue()
    await queue.enqueue({ id: 'job-1', type: 't' })
    const error = await expectRefused(queue, 'ValidationError', () => queue.enqueue({ id: 'job-1', type: 't' }))
    expect(error.message).toMatch(/already exists/)
    await queue.close()
  })

  it('reports, listings and maintenance calls refuse bad arguments', async () => {
    const { queue } = await memoryQueue()
    await queue.enqueue({ type: 't' })
    const [claim] = await queue.claim({ runnerId: 'r' })
    await expectRefused(queue, 'ValidationError', () => queue.progress(claim!.executionId, 1.5))
    await expectRefused(queue, 'ValidationError', () => queue.fail(claim!.executionId, 'x', { retryAfterMs: -1 }))
    await expectRefused(queue, 'ValidationError', () => queue.complete(claim!.executionId, { n: 1n }))
    await expectRefused(queue, 'ValidationError', () => queue.claim({ runnerId: 'r', limit: 0 }))
    await expectRefused(queue, 'ValidationError', () => queue.list({ limit: 5000 }))
    await expectRefused(queue, 'ValidationError', () => queue.list({ status: 'done' as never }))
    await expectRefused(queue, 'ValidationError', () => queue.list({ cursor: 'garbage' }))
    await expectRefused(queue, 'ValidationError', () => queue.prune({ olderThan: 'yesterday' }))
    await expectRefused(queue, 'ValidationError', () => queue.pause('bad queue'))
    await expectRefused(queue, 'ValidationError', () => queue.activity({ since: -1 }))
    await queue.close()
  })

  it('a closed queue refuses every call', async () => {
    const { queue } = await memoryQueue()
    await queue.close()
    await expect(queue.enqueue({ type: 't' })).rejects.toMatchObject({ _tag: 'QueueClosed' })
    await expect(queue.stats()).rejects.toMatchObject({ _tag: 'QueueClosed' })
  })
})
