import { afterEach, describe, expect, it } from 'vitest'
import { cli } from './helpers/cli.js'
import { startTestServer, type TestServer } from './helpers/server.js'

let t: TestServer
afterEach(async () => {
  await t?.close()
})

/** A task claimed by runner r1 over HTTP. */
const claimed = async () => {
  const task = (await t.api('POST', '/api/tasks', { body: { type: 'agent', maxAttempts: 2 } })).body
  const { claims } = (await t.api('POST', '/api/claims', { body: { runnerId: 'r1', types: ['agent'] } })).body
  return { task, executionId: claims[0].executionId as string, claim: claims[0] }
}

describe('kept logs and checkpoints over HTTP', () => {
  it('POST /api/logs keeps a batch; the task JSON carries executions[].logs; another runner gets 409 NotClaimant and nothing is kept', async () => {
    t = await startTestServer()
    const { task, executionId } = await claimed()
    const lines = [
      { executionId, seq: 1, at: 1_000, message: 'planning' },
      { executionId, seq: 2, at: 2_000, message: 'searching', fields: { query: 'livestore' } },
    ]
    const kept = await t.api('POST', '/api/logs', { body: { runnerId: 'r1', lines } })
    expect(kept.status, JSON.stringify(kept.body)).toBe(200)
    expect(kept.body).toEqual({ kept: 2, ignored: 0 })
    const other = await t.api('POST', '/api/logs', { body: { runnerId: 'r2', lines: [{ executionId, seq: 3, at: 3_000, message: 'x' }] } })
    expect(other.status).toBe(409)
    expect(other.body.error._tag).toBe('NotClaimant')
    const bad = await t.api('POST', '/api/logs', {
      body: { runnerId: 'r1', lines: [{ executionId, seq: 3, at: 3_000, message: 'x', fields: { big: 'y'.repeat(20_000) } }] },
    })
    expect(bad.status).toBe(413)
    expect(bad.body.error).toMatchObject({ _tag: 'ValidationError', field: 'lines.0.fields' })
    const got = (await t.api('GET', `/api/tasks/${task.id}`)).body
    expect(got.executions[0].logs.map((l: any) => [l.seq, l.at, l.message, l.fields])).toEqual([
      [1, 1_000, 'planning', undefined],
      [2, 2_000, 'searching', { query: 'livestore' }],
    ])
    expect(got.executions[0].droppedLines).toBe(0)
  })

  it('GET /api/tasks/{id}/logs pages by cursor and long-polls with waitMs until a line is kept or the task finishes', async () => {
    t = await startTestServer()
    const { task, executionId } = await claimed()
    await t.api('POST', '/api/logs', { body: { runnerId: 'r1', lines: [{ executionId, seq: 1, at: 1, message: 'one' }] } })
    const first = (await t.api('GET', `/api/tasks/${task.id}/logs`)).body
    expect(first.items.map((l: any) => [l.message, l.attempt, l.executionId])).toEqual([['one', 1, executionId]])
    expect(first.finished).toBe(false)
    const waiting = t.api('GET', `/api/tasks/${task.id}/logs?after=${first.cursor}&waitMs=60000`)
    await t.api('POST', '/api/logs', { body: { runnerId: 'r1', lines: [{ executionId, seq: 2, at: 2, message: 'two' }] } })
    const second = (await waiting).body
    expect(second.items.map((l: any) => l.message)).toEqual(['two'])
    const finishing = t.api('GET', `/api/tasks/${task.id}/logs?after=${second.cursor}&waitMs=60000`)
    await t.api('POST', `/api/executions/${executionId}/complete`, { body: { runnerId: 'r1', result: 1 } })
    expect((await finishing).body).toEqual({ items: [], cursor: second.cursor, finished: true })
    expect((await t.api('GET', `/api/tasks/${task.id}/logs?limit=0`)).status).toBe(400)
    expect((await t.api('GET', '/api/tasks/nope/logs')).status).toBe(404)
  })

  it('POST /api/executions/{id}/checkpoint persists it; the next claim carries it; the task JSON shows it', async () => {
    t = await startTestServer()
    const { task, executionId, claim } = await claimed()
    expect(claim.checkpoint).toBeUndefined()
    const saved = await t.api('POST', `/api/executions/${executionId}/checkpoint`, { body: { runnerId: 'r1', data: { step: 2 } } })
    expect(saved.status).toBe(200)
    expect(saved.body).toMatchObject({ accepted: true })
    expect((await t.api('POST', `/api/executions/${executionId}/checkpoint`, { body: { runnerId: 'r2', data: 1 } })).status).toBe(409)
    expect((await t.api('POST', `/api/executions/${executionId}/checkpoint`, { body: { runnerId: 'r1', data: 'x'.repeat(300_000) } })).status).toBe(413)
    await t.api('POST', `/api/executions/${executionId}/fail`, { body: { runnerId: 'r1', error: { message: 'boom' }, retryAfterMs: 0 } })
    const again = (await t.api('POST', '/api/claims', { body: { runnerId: 'r2', types: ['agent'] } })).body.claims[0]
    expect(again.checkpoint).toMatchObject({ data: { step: 2 }, executionId, attempt: 1 })
    expect((await t.api('GET', `/api/tasks/${task.id}`)).body.checkpoint).toMatchObject({ data: { step: 2 } })
  })

  it('bad log batches, checkpoints and log queries are 4xx with the error body, never a 500, and keep nothing', async () => {
    t = await startTestServer()
    const { task, executionId } = await claimed()
    const line = { executionId, seq: 1, at: 1, message: 'm' }
    let deep: unknown = 1
    for (let i = 0; i < 100; i++) deep = { d: deep }
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/api/logs', { lines: [line] }, 400, 'runnerId'],
      ['POST', '/api/logs', { runnerId: 'r1', lines: [{ ...line, seq: 1.5 }] }, 400, 'lines.0.seq'],
      ['POST', '/api/logs', { runnerId: 'r1', lines: [{ ...line, at: 1e20 }] }, 400, 'lines.0.at'],
      ['POST', '/api/logs', { runnerId: 'r1', lines: [{ ...line, executionId: '' }] }, 400, 'lines.0.executionId'],
      ['POST', '/api/logs', { runnerId: 'r1', lines: [{ ...line, message: 7 }] }, 400, 'lines.0.message'],
      ['POST', '/api/logs', { runnerId: 'r1', lines: [{ ...line, fields: deep }] }, 400, 'lines.0.fields'],
      ['POST', '/api/logs', { runnerId: 'r1', lines: [{ ...line, colour: 'red' }] }, 400, 'lines.0.colour'],
      ['POST', `/api/executions/${executionId}/checkpoint`, { runnerId: 'r1', data: deep }, 400, 'checkpoint'],
      ['POST', `/api/executions/${executionId}/checkpoint`, { data: 1 }, 400, 'runnerId'],
      ['POST', '/api/executions/nope/checkpoint', { runnerId: 'r1', data: 1 }, 404, ''],
      ['GET', `/api/tasks/${task.id}/logs?after=-1`, undefined, 400, 'after'],
      ['GET', `/api/tasks/${task.id}/logs?waitMs=999999`, undefined, 400, 'waitMs'],
    ]
    const before = t.head()
    for (const [method, route, body, status, field] of cases) {
      const answer = await t.api(method, route, body === undefined ? {} : { body })
      expect(answer.status, `${method} ${route} ${JSON.stringify(body)?.slice(0, 80)}: ${JSON.stringify(answer.body)}`).toBe(status)
      expect(typeof answer.body.error.message).toBe('string')
      if (field) expect(String(answer.body.error.field ?? answer.body.error.message)).toContain(field)
    }
    expect(t.head()).toBe(before)
  })

  it("livequeue logs ID prints every attempt's lines; --json one document; --follow until the task finishes; show lists them", async () => {
    t = await startTestServer()
    const { task, executionId } = await claimed()
    await t.api('POST', '/api/logs', {
      body: {
        runnerId: 'r1',
        lines: [
          { executionId, seq: 1, at: 1_000, message: 'first' },
          { executionId, seq: 3, at: 3_000, message: 'third', fields: { n: 3 } },
        ],
      },
    })
    await t.api('POST', `/api/executions/${executionId}/checkpoint`, { body: { runnerId: 'r1', data: { step: 1 } } })
    const server = ['--server', t.url]
    const human = await cli(['logs', task.id, ...server])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/attempt 1 \(execution .+\)/)
    expect(human.stdout).toMatch(/#1 {2}first/)
    expect(human.stdout).toMatch(/1 line not kept/)
    expect(human.stdout).toMatch(/#1 {2}third {2}\{"n":3\}/)
    const json = await cli(['logs', task.id, '--json', ...server])
    expect(JSON.parse(json.stdout).map((l: any) => l.message)).toEqual(['first', 'third'])
    const show = await cli(['show', task.id, ...server])
    expect(show.stdout).toMatch(/checkpoint: +\{"step":1\} \(saved by attempt 1/)
    expect(show.stdout).toMatch(/Logs:\nattempt 1 \(1 not kept\):/)

    // --follow prints what is kept as it comes and ends when the task finishes.
    const following = cli(['logs', task.id, '--follow', '--json', ...server])
    await t.api('POST', '/api/logs', { body: { runnerId: 'r1', lines: [{ executionId, seq: 4, at: 4_000, message: 'fourth' }] } })
    await t.api('POST', `/api/executions/${executionId}/complete`, { body: { runnerId: 'r1', result: 1 } })
    const followed = await following
    expect(followed.code, followed.stderr).toBe(0)
    expect(
      followed.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).message),
    ).toEqual(['first', 'third', 'fourth'])
  })
})
