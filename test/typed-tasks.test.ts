import * as path from 'node:path'
import { Schema } from 'effect'
import { afterAll, describe, expect, it } from 'vitest'
import { createWorker, defineTask, handle, type HandlerQueue, openQueue, type PayloadOf, type ResultOf, type TaskQueue } from '../src/index.js'
import { cli, cliJson, removeTempDataDirs, ROOT, runNode, tempDataDir } from './helpers/cli.js'
import { startServe } from './helpers/host.js'
import { expectRefused, memoryQueue, until } from './helpers/queue.js'
import { startTestServer } from './helpers/server.js'

/** Typed tasks (issue 15): declared once with Effect Schema, checked at enqueue and when a handler returns. */

afterAll(removeTempDataDirs)

const summarize = defineTask({
  type: 'summarize',
  payload: Schema.Struct({ text: Schema.String, due: Schema.optional(Schema.Date) }),
  result: Schema.Struct({ summary: Schema.String, words: Schema.Number }),
  defaults: { priority: 'high', maxAttempts: 2, backoff: 'immediate', tags: ['llm'] },
})

// Compile-time checks (`npm run typecheck` covers test/): a wrong payload or result does not compile.
const typeChecks = (queue: TaskQueue, ctxQueue: HandlerQueue) => {
  // @ts-expect-error text must be a string
  void summarize.enqueue(queue, { text: 1 })
  // @ts-expect-error text is required
  void summarize.input({})
  void summarize.enqueue(ctxQueue, { text: 'ok', due: new Date() }, { priority: 'low', delay: 1_000 })
  // @ts-expect-error the result must have words
  handle(summarize, async (payload) => ({ summary: payload.text }))
  // @ts-expect-error the payload has no field `title`
  handle(summarize, async (payload) => ({ summary: payload.title, words: 1 }))
  const handlers: Record<'summarize', unknown> = handle(summarize, async (payload, ctx) => ({ summary: ctx.task.payload.text, words: payload.text.length }))
  const words: number = summarize.resultOf({ id: 'x', type: 'summarize', status: 'completed', result: null }).words
  const payload: PayloadOf<typeof summarize> = { text: 'x' }
  const result: ResultOf<typeof summarize> = { summary: 's', words }
  return [handlers, payload, result]
}

describe('typed tasks', () => {
  it('type checks: never run, compiled by npm run typecheck (each @ts-expect-error must be an error)', () => {
    expect(typeof typeChecks).toBe('function')
  })

  it('enqueue checks and encodes the payload and applies the defaults under the options', async () => {
    const { queue } = await memoryQueue()
    const task = await summarize.enqueue(queue, { text: 'a b', due: new Date('2030-01-02T03:04:05Z') }, { tags: ['mine'] })
    expect(task).toMatchObject({ type: 'summarize', priority: 7, maxAttempts: 2, tags: ['mine'] })
    expect((await queue.get(task.id)).payload).toEqual({ text: 'a b', due: '2030-01-02T03:04:05.000Z' })
    const refused = await expectRefused(queue, 'ValidationError', () => summarize.enqueue(queue, { text: 3 } as never))
    expect(refused).toMatchObject({ field: 'payload.text' })
    expect(refused.message).toMatch(/^invalid payload\.text: Expected string, actual 3/)
    await expectRefused(queue, 'ValidationError', () => summarize.enqueue(queue, { text: 'x', extra: 1 } as never))
    const [, second] = await queue.enqueueMany([summarize.input({ text: 'one' }), summarize.input({ text: 'two' }, { priority: 1 })])
    expect(second).toMatchObject({ priority: 1, maxAttempts: 2 })
    await queue.close()
  })

  it('a queue that knows the type checks untyped enqueues too, naming the field, and gives them the defaults', async () => {
    const { queue } = await memoryQueue({ tasks: [summarize] })
    expect(queue.taskTypes.map((d) => d.type)).toEqual(['summarize'])
    const one = await expectRefused(queue, 'ValidationError', () => queue.enqueue({ type: 'summarize', payload: { txt: 'typo' } }))
    expect(one).toMatchObject({ field: 'payload.txt', reason: 'is unexpected, expected: "text" | "due"' })
    const missing = await expectRefused(queue, 'ValidationError', () => queue.enqueue({ type: 'summarize', payload: {} }))
    expect(missing.message).toBe('invalid payload.text: is missing')
    const many = await expectRefused(queue, 'ValidationError', () =>
      queue.enqueueMany([
        { type: 'summarize', payload: { text: 'fine' } },
        { type: 'summarize', payload: { text: 'x', due: 'not a date' } },
      ]),
    )
    expect(many).toMatchObject({ field: '[1].payload.due' })
    expect(await queue.enqueue({ type: 'summarize', payload: { text: 'ok' }, maxAttempts: 9 })).toMatchObject({ priority: 7, maxAttempts: 9 })
    // Undeclared types are taken as before.
    expect(await queue.enqueue({ type: 'anything', payload: { whatever: true } })).toMatchObject({ priority: 5 })
    const schedule = await expectRefused(queue, 'ValidationError', () =>
      queue.schedules.set('nightly', { every: '1h', task: { type: 'summarize', payload: {} } }),
    )
    expect(schedule).toMatchObject({ field: 'task.payload.text' })
    await queue.close()
  })

  it('a typed handler gets the decoded payload; a result that does not fit fails the attempt, naming the field', async () => {
    const queue = await openQueue({ inMemory: true })
    const seen: unknown[] = []
    const worker = createWorker({
      queue,
      handlers: handle(summarize, async (payload, ctx) => {
        seen.push(payload.due)
        if (ctx.attempt === 1) return { summary: payload.text, words: 'many' as unknown as number }
        return { summary: payload.text.toUpperCase(), words: payload.text.split(' ').length }
      }),
    })
    await worker.start()
    const task = await summarize.enqueue(queue, { text: 'a b c', due: new Date('2030-01-02T00:00:00Z') })
    const done = await queue.wait(task.id, { timeoutMs: 30_000 })
    expect(done.status).toBe('completed')
    expect(summarize.resultOf(done)).toEqual({ summary: 'A B C', words: 3 })
    expect(seen[0]).toBeInstanceOf(Date)
    expect(done.executions?.[0]?.error).toMatchObject({
      type: 'InvalidResult',
      message: expect.stringMatching(/^summarize returned a result that does not fit its schema: invalid result\.words: Expected number, actual "many"/),
    })
    expect(() => summarize.resultOf({ ...done, type: 'other' })).toThrow(/is a other, not a summarize/)
    await worker.stop()
    await queue.close()
  })

  it('a stored payload that does not fit (enqueued untyped where the type was not declared) fails the task for good', async () => {
    const queue = await openQueue({ inMemory: true })
    const worker = createWorker({ queue, handlers: handle(summarize, async (p) => ({ summary: p.text, words: 1 })) })
    await worker.start()
    const task = await queue.enqueue({ type: 'summarize', payload: { text: 42 }, maxAttempts: 3 })
    const done = await queue.wait(task.id, { timeoutMs: 30_000 })
    expect(done).toMatchObject({ status: 'failed', attempts: 1 })
    expect(done.lastError?.message).toMatch(/does not fit summarize's schema: invalid payload\.text/)
    await worker.stop()
    await queue.close()
  })

  it('stats flags a type no worker has registered for a minute, and stops once one has', async () => {
    const { queue, clock } = await memoryQueue()
    await queue.enqueue({ type: 'sumarize' }) // misspelled: nothing will ever run it
    await queue.enqueue({ type: 'report' })
    expect((await queue.stats()).unhandledTypes).toEqual([])
    clock.advance(60_000)
    expect((await queue.stats()).unhandledTypes).toEqual([
      { type: 'report', pending: 1, lastSeenAt: null, unhandledForMs: 60_000 },
      { type: 'sumarize', pending: 1, lastSeenAt: null, unhandledForMs: 60_000 },
    ])
    await queue.runnerStarted({ runnerId: 'r1', types: ['report'], concurrency: 1 })
    expect((await queue.stats()).unhandledTypes.map((u) => u.type)).toEqual(['sumarize'])
    // A worker that stops: its type is flagged again a minute later, not at once (a restart is not an alarm).
    clock.advance(1_000)
    await queue.runnerStopped('r1')
    clock.advance(59_000)
    expect((await queue.stats()).unhandledTypes.map((u) => u.type)).toEqual(['sumarize'])
    clock.advance(1_000)
    expect((await queue.stats()).unhandledTypes.find((u) => u.type === 'report')).toMatchObject({ lastSeenAt: clock.now() - 60_000 })
    // A runner that went silent (crashed without saying so) counts as gone after three missed registry heartbeats.
    await queue.runnerStarted({ runnerId: 'r2', types: ['report'], concurrency: 1 })
    clock.advance(3 * 60_000)
    expect((await queue.stats()).unhandledTypes.map((u) => u.type)).toEqual(['report', 'sumarize'])
    await queue.close()
  })

  it('over HTTP: a declared type refuses a bad payload with 400 naming the field; stats carries the unhandled types', async () => {
    const clock = { now: Date.UTC(2030, 0, 1) }
    const queue = await openQueue({ inMemory: true, tasks: [summarize], now: () => clock.now })
    const server = await startTestServer({ queue })
    try {
      const bad = await server.api('POST', '/api/tasks', { body: { type: 'summarize', payload: { text: ['no'] } } })
      expect(bad.status).toBe(400)
      expect(bad.body.error).toMatchObject({ _tag: 'ValidationError', field: 'payload.text' })
      const batch = await server.api('POST', '/api/tasks/batch', { body: { tasks: [{ type: 'x' }, { type: 'summarize' }] } })
      expect(batch.status).toBe(400)
      expect(batch.body.error).toMatchObject({ field: '[1].payload' })
      const ok = await server.api('POST', '/api/tasks', { body: { type: 'summarize', payload: { text: 'fine' } } })
      expect(ok.status).toBe(201)
      expect(ok.body).toMatchObject({ priority: 7, tags: ['llm'] })
      clock.now += 61_000
      const stats = await server.api('GET', '/api/stats')
      expect(stats.body.unhandledTypes).toEqual([{ type: 'summarize', pending: 1, lastSeenAt: null, unhandledForMs: 61_000 }])
    } finally {
      await server.close()
      await queue.close()
    }
  })

  it('serve --workers learns the declared types from the module: the CLI through it gets the field named', async () => {
    const dataDir = tempDataDir()
    const host = await startServe(dataDir, ['--workers', path.join(ROOT, 'test/fixtures/typed-handlers.mjs'), '--quiet'])
    try {
      const refused = await cli(['enqueue', 'greet', '--payload', '{"name":""}', '--server', host.url])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(/payload\.name/)
      const unrun = await cli(['enqueue', 'unrun', '--payload', '{"n":"x"}', '--server', host.url])
      expect(unrun.stderr).toMatch(/payload\.n/)
      const task = await cliJson(['enqueue', 'greet', '--payload', '{"name":"Ada"}', '--server', host.url])
      expect(task.priority).toBe(8)
      await until('the greeting is done', async () => (await cliJson(['show', task.id, '--server', host.url])).status === 'completed')
      expect((await cliJson(['show', task.id, '--server', host.url])).result).toEqual({ greeting: 'hello Ada' })
    } finally {
      await host.stop()
    }
  }, 120_000)

  it('livequeue stats says which types no worker handles', async () => {
    const dataDir = tempDataDir()
    // Enqueued "two minutes ago" by a process with a clock set back: the warning is due at once.
    const seeded = await runNode(`
      import { openQueue } from './dist/src/index.js'
      const queue = await openQueue({ dataDir: ${JSON.stringify(dataDir)}, now: () => Date.now() - 120_000 })
      await queue.enqueue({ type: 'sumarize' })
      await queue.close()
    `)
    expect(seeded.code, seeded.stderr).toBe(0)
    const stats = await cli(['stats', '--data-dir', dataDir])
    expect(stats.code).toBe(0)
    expect(stats.stdout).toMatch(/^warning: no worker handles sumarize: 1 pending, none for 2m[ \d.s]* \(no worker ever registered for it\)$/m)
  }, 60_000)
})
