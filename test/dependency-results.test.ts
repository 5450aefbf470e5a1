import { afterAll, describe, expect, it } from 'vitest'
import { createWorker, type DependencyOutcome, type HandlerContext, openQueue, PermanentError, type Task, type TaskQueue } from '../src/index.js'
import { cli, cliJson, removeTempDataDirs, tempDataDir } from './helpers/cli.js'
import { startTestServer } from './helpers/server.js'

/**
 * A dependent's handler reads its dependencies' outcomes (`ctx.dependencies`), in a worker in
 * this process and in one over HTTP; HTTP and the CLI take `onDependencyFailure` and show why a
 * task was cancelled.
 */

afterAll(removeTempDataDirs)

/** Handlers: `step` returns its payload's answer or fails for good; `gather` returns what it saw. */
const handlers = {
  step: async (task: Task & { payload: { answer?: string } }) => {
    if (task.payload.answer === undefined) throw new PermanentError('no answer')
    return { answer: task.payload.answer }
  },
  gather: async (_task: Task, ctx: HandlerContext) => ctx.dependencies.map((d: DependencyOutcome) => d),
}

/** Two steps (one fails for good), a gatherer that needs both, and one that runs anyway. */
const fanIn = (queue: Pick<TaskQueue, 'enqueueMany'>) =>
  queue.enqueueMany([
    { id: 's1', type: 'step', payload: { answer: '42' } },
    { id: 's2', type: 'step', payload: {}, maxAttempts: 1 },
    { id: 'strict', type: 'gather', dependsOn: ['s1', 's2'] },
    { id: 'lenient', type: 'gather', dependsOn: ['s1', 's2'], onDependencyFailure: 'run' },
  ])

const expectOutcomes = (lenient: Task, strict: Task) => {
  expect(lenient.status).toBe('completed')
  expect(lenient.result).toMatchObject([
    { id: 's1', type: 'step', status: 'completed', result: { answer: '42' }, error: null },
    { id: 's2', type: 'step', status: 'failed', result: null, error: { message: 'no answer' } },
  ])
  expect(strict).toMatchObject({ status: 'cancelled', cancelReason: 'dependency s2 (step) failed', executions: [] })
}

describe('dependency results', () => {
  it('an in-process handler sees each dependency with its status and result', async () => {
    const queue = await openQueue({ inMemory: true })
    const worker = createWorker({ queue, handlers, concurrency: 2 })
    await worker.start()
    await fanIn(queue)
    const lenient = await queue.wait('lenient', { timeoutMs: 30_000 })
    expectOutcomes(lenient, await queue.get('strict'))
    await worker.stop()
    await queue.close()
  })

  it('a remote (HTTP) worker sees the same; HTTP takes onDependencyFailure and answers with cancelReason', async () => {
    const server = await startTestServer()
    try {
      const bad = await server.api('POST', '/api/tasks', { body: { type: 'gather', onDependencyFailure: 'sometimes' } })
      expect(bad.status).toBe(400)
      expect(bad.body.error).toMatchObject({ _tag: 'ValidationError' })
      expect(JSON.stringify(bad.body.error)).toMatch(/onDependencyFailure/)

      const worker = createWorker({ server: server.url, handlers, concurrency: 2 })
      await worker.start()
      const answer = await server.api('POST', '/api/tasks/batch', {
        body: {
          tasks: [
            { id: 's1', type: 'step', payload: { answer: '42' } },
            { id: 's2', type: 'step', payload: {}, maxAttempts: 1 },
            { id: 'strict', type: 'gather', dependsOn: ['s1', 's2'] },
            { id: 'lenient', type: 'gather', dependsOn: ['s1', 's2'], onDependencyFailure: 'run' },
          ],
        },
      })
      expect(answer.status).toBe(201)
      expect(answer.body.items[3]).toMatchObject({ onDependencyFailure: 'run', cancelReason: null })
      const lenient = await server.queue.wait('lenient', { timeoutMs: 30_000 })
      const strict = await server.api('GET', '/api/tasks/strict')
      expectOutcomes(lenient, strict.body)
      const late = await server.api('POST', '/api/tasks', { body: { type: 'gather', dependsOn: ['s2'] } })
      expect(late.status).toBe(400)
      expect(late.body.error).toMatchObject({ _tag: 'ValidationError', field: 'dependsOn' })
      await worker.stop()
    } finally {
      await server.close()
    }
  }, 60_000)

  it('the CLI enqueues with --on-dependency-failure and show prints why a task was cancelled', async () => {
    const dir = tempDataDir()
    const first = await cliJson(['enqueue', 'step', '--data-dir', dir])
    const strict = await cliJson(['enqueue', 'gather', '--depends-on', first.id, '--data-dir', dir])
    const lenient = await cliJson(['enqueue', 'gather', '--depends-on', first.id, '--on-dependency-failure', 'run', '--data-dir', dir])
    expect(lenient.onDependencyFailure).toBe('run')
    const bad = await cli(['enqueue', 'gather', '--on-dependency-failure', 'maybe', '--data-dir', dir])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toMatch(/cancel, run/)
    expect((await cli(['cancel', first.id, '--data-dir', dir])).code).toBe(0)
    const shown = await cli(['show', strict.id, '--data-dir', dir])
    expect(shown.stdout).toMatch(new RegExp(`cancelled:\\s+dependency ${first.id} \\(step\\) was cancelled`))
    expect(shown.stdout).toMatch(/if one fails:\s+cancel this task/)
    const activity = await cli(['activity', '--task', strict.id, '--data-dir', dir])
    expect(activity.stdout).toMatch(new RegExp(`cancelled: dependency ${first.id} \\(step\\) was cancelled`))
    expect((await cliJson(['show', lenient.id, '--data-dir', dir])).blockedBy).toBe(0)
  }, 120_000)
})
