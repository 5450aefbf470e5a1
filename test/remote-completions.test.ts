import { afterEach, describe, expect, it } from 'vitest'
import { RemoteQueue } from '../src/client/RemoteQueue.js'
import { ExecutionNotFound } from '../src/errors.js'
import { completionBatcher } from '../src/runtime/completionBatch.js'
import { startTestServer, type TestServer } from './helpers/server.js'

let t: TestServer
afterEach(async () => {
  await t?.close()
})

const head = (server: TestServer) => Number(server.queue.store.syncStatus().localHead.replace(/^e(\d+).*$/, '$1'))

const claimThree = async (server: TestServer) => {
  await server.queue.enqueueMany([{ type: 'job' }, { type: 'job' }, { type: 'job' }])
  return server.queue.claim({ runnerId: 'r', limit: 3 })
}

describe('POST /api/completions', () => {
  it('completes several executions in one commit and answers each, a bad one with its own error', async () => {
    t = await startTestServer()
    const [a, b] = await claimThree(t)
    const before = head(t)
    const answer = await t.api('POST', '/api/completions', {
      body: {
        completions: [
          { executionId: a!.executionId, runnerId: 'r', result: { n: 1 } },
          { executionId: b!.executionId, runnerId: 'r' },
          { executionId: 'no-such-execution', runnerId: 'r' },
        ],
      },
    })
    expect(answer.status).toBe(200)
    expect(answer.body.results[0]).toEqual({ accepted: true, cancelRequested: false, leaseUntil: null })
    expect(answer.body.results[1]).toMatchObject({ accepted: true })
    expect(answer.body.results[2].error).toMatchObject({ _tag: 'ExecutionNotFound', executionId: 'no-such-execution' })
    // Both completions in one event of one commit (an unknown execution is looked up after the
    // open batch is committed, so it comes last here to keep the two together).
    expect(head(t)).toBe(before + 1)
    expect(await t.queue.get(a!.task.id)).toMatchObject({ status: 'completed', result: { n: 1 } })
    expect(await t.queue.get(b!.task.id)).toMatchObject({ status: 'completed' })
  })

  it('is a worker route: a worker token may complete, a producer or viewer token may not', async () => {
    t = await startTestServer({ tokens: true })
    const [a, b] = await claimThree(t)
    const body = {
      completions: [
        { executionId: a!.executionId, runnerId: 'r' },
        { executionId: b!.executionId, runnerId: 'r' },
      ],
    }
    expect((await t.api('POST', '/api/completions', { body, token: t.tokens.producer })).status).toBe(403)
    expect((await t.api('POST', '/api/completions', { body, token: t.tokens.viewer })).status).toBe(403)
    expect((await t.api('POST', '/api/completions', { body })).status).toBe(401)
    expect(await t.queue.get(a!.task.id)).toMatchObject({ status: 'processing' })
    const answer = await t.api('POST', '/api/completions', { body, token: t.tokens.worker })
    expect(answer.body.results.map((r: { accepted: boolean }) => r.accepted)).toEqual([true, true])
  })

  it('refuses an empty list with a ValidationError', async () => {
    t = await startTestServer()
    const answer = await t.api('POST', '/api/completions', { body: { completions: [] } })
    expect(answer.status).toBe(400)
    expect(answer.body.error._tag).toBe('ValidationError')
  })
})

describe('a remote worker batches the completions of one turn', () => {
  it('sends them in one request; each caller gets its own answer or its own typed error', async () => {
    t = await startTestServer()
    const [a, b] = await claimThree(t)
    const client = new RemoteQueue({ url: t.url })
    const calls: string[] = []
    const counted = {
      complete: (id: string, result?: unknown, by?: { runnerId?: string }) => {
        calls.push('complete')
        return client.complete(id, result, by)
      },
      completeAndClaim: (items: ReadonlyArray<{ executionId: string; result?: unknown; runnerId?: string }>) => {
        calls.push(`completeMany(${items.length})`)
        return client.completeAndClaim(items)
      },
    }
    const complete = completionBatcher(counted, (request) => request())
    const answers = await Promise.allSettled([
      complete(a!.executionId, 'A', { runnerId: 'r' }),
      complete('gone', null, { runnerId: 'r' }),
      complete(b!.executionId, 'B', { runnerId: 'r' }),
    ])
    expect(calls).toEqual(['completeMany(3)'])
    expect(answers[0]).toMatchObject({ status: 'fulfilled', value: { accepted: true } })
    expect(answers[1].status).toBe('rejected')
    expect((answers[1] as PromiseRejectedResult).reason).toBeInstanceOf(ExecutionNotFound)
    expect(answers[2]).toMatchObject({ status: 'fulfilled', value: { accepted: true } })
    expect(await t.queue.get(b!.task.id)).toMatchObject({ status: 'completed', result: 'B' })
    await client.close()
  })

  it("with the claim loop's claim, the completions and the next claim are one request and one commit", async () => {
    t = await startTestServer()
    const [a, b] = await claimThree(t)
    const parent = a!.task.id
    const child = await t.queue.enqueue({ type: 'job', priority: 10, dependsOn: [parent] })
    await t.queue.enqueue({ type: 'job', priority: 1 })
    const client = new RemoteQueue({ url: t.url })
    const requests: string[] = []
    const counted = {
      complete: (id: string, result?: unknown, by?: { runnerId?: string }) => {
        requests.push('complete')
        return client.complete(id, result, by)
      },
      completeAndClaim: (items: ReadonlyArray<{ executionId: string; result?: unknown; runnerId?: string }>, claim?: { runnerId: string; limit?: number }) => {
        requests.push(`completions(${items.length}) + claim(${claim?.limit ?? 0})`)
        return client.completeAndClaim(items, claim)
      },
    }
    const launched: string[] = []
    const complete = completionBatcher(counted, (request) => request())
    complete.lendClaims({ claim: () => ({ runnerId: 'r', limit: 2 }), claimed: (claims) => launched.push(...claims.map((c) => c.task.id)) })
    const commitsBefore = t.queue.owned.commitTotals.commits
    const answers = await Promise.all([complete(a!.executionId, 'A', { runnerId: 'r' }), complete(b!.executionId, 'B', { runnerId: 'r' })])
    expect(requests).toEqual(['completions(2) + claim(2)'])
    expect(t.queue.owned.commitTotals.commits - commitsBefore).toBe(1)
    expect(answers.map((x) => x.accepted)).toEqual([true, true])
    // The claim saw the completions: the dependent they unblocked came first, by its priority.
    expect(launched[0]).toBe(child.id)
    expect(launched).toHaveLength(2)
    expect((await t.queue.get(child.id)).runnerId).toBe('r')
    await client.close()
  })

  it('falls back to one request each when the host refuses the batch as a whole', async () => {
    t = await startTestServer()
    const [a, b] = await claimThree(t)
    const client = new RemoteQueue({ url: t.url })
    const calls: string[] = []
    const olderHost = {
      complete: (id: string, result?: unknown, by?: { runnerId?: string }) => {
        calls.push('complete')
        return client.complete(id, result, by)
      },
      completeAndClaim: async () => {
        calls.push('completeMany')
        throw new Error('RouteNotFound')
      },
    }
    const complete = completionBatcher(olderHost, (request) => request())
    const answers = await Promise.all([complete(a!.executionId, 1, { runnerId: 'r' }), complete(b!.executionId, 2, { runnerId: 'r' })])
    expect(calls).toEqual(['completeMany', 'complete', 'complete'])
    expect(answers.map((x) => x.accepted)).toEqual([true, true])
    await client.close()
  })
})
