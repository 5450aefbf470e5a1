import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { RemoteQueue } from '../src/client/RemoteQueue.js'
import { createWorker, openQueue, type Task, type TaskQueue, type Worker } from '../src/index.js'
import { parseTraceparent, traceIdOf } from '../src/tracing/traceparent.js'
import { until } from './helpers/queue.js'
import { startTestServer, type TestServer } from './helpers/server.js'

/**
 * Tracing through the real parts: an OpenTelemetry SDK (in-memory exporter, AsyncLocalStorage
 * context) registered as an app would, real in-memory LiveStore queues, a real HTTP host, local
 * and remote workers. Each test checks the parent links and attributes of the spans it caused.
 */

const exporter = new InMemorySpanExporter()
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
const contextManager = new AsyncLocalStorageContextManager()
const app = () => trace.getTracer('app')

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable())
  trace.setGlobalTracerProvider(provider)
})
afterAll(() => {
  trace.disable()
  context.disable()
})

let queue: TaskQueue | undefined
let worker: Worker | undefined
let server: TestServer | undefined
beforeEach(() => exporter.reset())
afterEach(async () => {
  await worker?.stop()
  await server?.close()
  await queue?.close()
  worker = server = queue = undefined
})

const spans = () => exporter.getFinishedSpans()
const named = (name: string) => spans().filter((s) => s.name === name)
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId
/** Waits for `n` finished spans with this name (an execution's span ends after its report is persisted). */
const ended = async (name: string, n = 1): Promise<ReadableSpan[]> => {
  await until(`${n} span(s) "${name}" ended`, () => named(name).length >= n)
  return named(name)
}
/** Runs `fn` inside an active app span, which ends when `fn` settles. */
const inSpan = <T>(name: string, fn: (span: Span) => Promise<T>): Promise<T> =>
  app().startActiveSpan(name, async (span) => {
    try {
      return await fn(span)
    } finally {
      span.end()
    }
  })

describe('tracing in process', () => {
  it("enqueue is a child of the caller's span, the execution a child of the enqueue, and the handler's spans children of the execution", async () => {
    queue = await openQueue({ inMemory: true })
    const q = queue
    const task = await inSpan('http request', () => q.enqueue({ type: 'summarize', queue: 'docs', payload: { text: 'x' } }))
    const [request] = named('http request')
    const [enqueue] = named('enqueue summarize')
    expect(enqueue?.kind).toBe(SpanKind.PRODUCER)
    expect(parentOf(enqueue!)).toBe(request!.spanContext().spanId)
    expect(enqueue!.spanContext().traceId).toBe(request!.spanContext().traceId)
    expect(enqueue!.attributes).toMatchObject({
      'messaging.system': 'livequeue',
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'docs',
      'messaging.message.id': task.id,
      'livequeue.task.type': 'summarize',
      'livequeue.task.queue': 'docs',
      'livequeue.task.id': task.id,
    })
    // The task carries the enqueue span's context, returned and stored.
    const sc = enqueue!.spanContext()
    expect(task.traceparent).toBe(`00-${sc.traceId}-${sc.spanId}-01`)
    expect((await queue.get(task.id)).traceparent).toBe(task.traceparent)

    worker = createWorker({
      queue,
      handlers: {
        // A user's own span (an LLM call, say), started from the active context.
        summarize: async () => inSpan('llm call', async () => ({ summary: 'y' })),
      },
    })
    await worker.start()
    const [execution] = await ended('process summarize')
    expect(execution!.kind).toBe(SpanKind.CONSUMER)
    expect(parentOf(execution!)).toBe(sc.spanId)
    expect(execution!.spanContext().traceId).toBe(sc.traceId)
    expect(execution!.attributes).toMatchObject({
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'docs',
      'livequeue.task.type': 'summarize',
      'livequeue.task.queue': 'docs',
      'livequeue.task.id': task.id,
      'livequeue.execution.attempt': 1,
      'livequeue.execution.outcome': 'completed',
      'livequeue.runner.id': worker.runnerId,
    })
    expect(execution!.attributes['livequeue.execution.id']).toBe((await queue.get(task.id)).executions?.[0]?.id)
    expect(execution!.status.code).toBe(SpanStatusCode.UNSET)
    const [llm] = named('llm call')
    expect(parentOf(llm!)).toBe(execution!.spanContext().spanId)
  })

  it('a failing handler records the error on each attempt: retried, then failed for good', async () => {
    queue = await openQueue({ inMemory: true })
    const task = await queue.enqueue({ type: 'flaky', maxAttempts: 2, backoff: { strategy: 'immediate' } })
    // No active span: the enqueue span is a root, and still the parent of both attempts.
    const [enqueue] = named('enqueue flaky')
    expect(enqueue!.parentSpanContext).toBeUndefined()
    worker = createWorker({
      queue,
      handlers: {
        flaky: async () => {
          throw new Error('upstream hiccup')
        },
      },
    })
    await worker.start()
    const executions = await ended('process flaky', 2)
    const byAttempt = [...executions].sort((a, b) => Number(a.attributes['livequeue.execution.attempt']) - Number(b.attributes['livequeue.execution.attempt']))
    expect(byAttempt.map((s) => s.attributes['livequeue.execution.outcome'])).toEqual(['retried', 'failed'])
    for (const s of byAttempt) {
      expect(parentOf(s)).toBe(enqueue!.spanContext().spanId)
      expect(s.status).toEqual({ code: SpanStatusCode.ERROR, message: 'upstream hiccup' })
      expect(s.attributes['error.type']).toBe('Error')
      const exception = s.events.find((e) => e.name === 'exception')
      expect(exception?.attributes?.['exception.message']).toBe('upstream hiccup')
    }
    expect((await queue.get(task.id)).status).toBe('failed')
  })

  it("a task escalated after failing for good is enqueued under the failed execution's span", async () => {
    queue = await openQueue({ inMemory: true })
    await queue.enqueue({ type: 'fragile', maxAttempts: 1 })
    worker = createWorker({
      queue,
      handlers: {
        fragile: async () => {
          throw new Error('no')
        },
        review: async () => 'looked at it',
      },
      escalation: { fragile: { onFailure: 'review' } },
    })
    await worker.start()
    const [failed] = await ended('process fragile')
    const [review] = await ended('process review')
    const [escalation] = named('enqueue review')
    expect(parentOf(escalation!)).toBe(failed!.spanContext().spanId)
    expect(parentOf(review!)).toBe(escalation!.spanContext().spanId)
    expect(review!.spanContext().traceId).toBe(failed!.spanContext().traceId)
  })

  it('a refused enqueue ends its span in error and stores nothing', async () => {
    queue = await openQueue({ inMemory: true })
    await expect(queue.enqueue({ type: 'x', priority: 1000 })).rejects.toMatchObject({ _tag: 'ValidationError' })
    const [span] = named('enqueue')
    expect(span!.status.code).toBe(SpanStatusCode.ERROR)
    expect(span!.attributes['error.type']).toBe('ValidationError')
  })

  it('one enqueueMany is one span; every task of it carries that span', async () => {
    queue = await openQueue({ inMemory: true })
    const tasks = await queue.enqueueMany([{ type: 'a' }, { type: 'b' }, { type: 'a' }])
    expect(spans()).toHaveLength(1)
    const [span] = spans()
    expect(span!.name).toBe('enqueue')
    expect(span!.attributes['messaging.batch.message_count']).toBe(3)
    expect(span!.attributes['livequeue.task.type']).toBeUndefined()
    expect(new Set(tasks.map((t) => t.traceparent))).toEqual(new Set([`00-${span!.spanContext().traceId}-${span!.spanContext().spanId}-01`]))
    for (const t of tasks) expect((await queue.get(t.id)).traceparent).toBe(t.traceparent)
  })

  it('enqueues of one turn share a commit (one TasksQueued event) and each task keeps its own trace context', async () => {
    queue = await openQueue({ inMemory: true })
    const q = queue
    const seq = () => Number(q.store.syncStatus().localHead.replace(/^e(\d+).*$/, '$1'))
    const before = seq()
    const [a, b] = await Promise.all([inSpan('first', () => q.enqueue({ type: 'a' })), inSpan('second', () => q.enqueue({ type: 'b' }))])
    expect(Number.isInteger(before)).toBe(true)
    expect(seq()).toBe(before + 1)
    const [first] = named('first')
    const [second] = named('second')
    expect(traceIdOf((await queue.get(a.id)).traceparent)).toBe(first!.spanContext().traceId)
    expect(traceIdOf((await queue.get(b.id)).traceparent)).toBe(second!.spanContext().traceId)
    expect(first!.spanContext().traceId).not.toBe(second!.spanContext().traceId)
  })
})

describe('tracing across HTTP', () => {
  it("a RemoteQueue producer's span is the parent of the host's enqueue span, and a remote worker's execution is its child", async () => {
    server = await startTestServer()
    const producer = new RemoteQueue({ url: server.url })
    const task = await inSpan('producer request', () => producer.enqueue({ type: 'remote-job' }))
    await producer.close()
    const [request] = named('producer request')
    const [enqueue] = named('enqueue remote-job')
    expect(parentOf(enqueue!)).toBe(request!.spanContext().spanId)
    expect(traceIdOf(task.traceparent)).toBe(request!.spanContext().traceId)
    // The API answers with the trace context (the dashboard shows its trace id).
    expect((await server.api('GET', `/api/tasks/${task.id}`)).body.traceparent).toBe(task.traceparent)

    worker = createWorker({ server: server.url, handlers: { 'remote-job': async () => inSpan('handler work', async () => 42) } })
    await worker.start()
    const [execution] = await ended('process remote-job')
    expect(parentOf(execution!)).toBe(enqueue!.spanContext().spanId)
    expect(execution!.spanContext().traceId).toBe(request!.spanContext().traceId)
    expect(execution!.attributes['livequeue.execution.outcome']).toBe('completed')
    expect(parentOf(named('handler work')[0]!)).toBe(execution!.spanContext().spanId)
  })

  it('a host without an SDK passes the traceparent header on to the task as it is; a malformed one is ignored', async () => {
    trace.disable()
    try {
      server = await startTestServer()
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
      const created = await server.api('POST', '/api/tasks', { body: { type: 'x' }, headers: { traceparent, tracestate: 'vendor=abc' } })
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({ traceparent, tracestate: 'vendor=abc' })
      const batch = await server.api('POST', '/api/tasks/batch', { body: { tasks: [{ type: 'x' }] }, headers: { traceparent } })
      expect(batch.body.items[0].traceparent).toBe(traceparent)
      // A RemoteQueue given a context explicitly (what the CLI does with $TRACEPARENT) sends it.
      const producer = new RemoteQueue({ url: server.url })
      expect((await producer.enqueue({ type: 'x' }, { trace: { traceparent } })).traceparent).toBe(traceparent)
      expect((await producer.enqueueMany([{ type: 'x' }], { trace: { traceparent } }))[0]?.traceparent).toBe(traceparent)
      await producer.close()
      for (const bad of ['garbage', '00-00000000000000000000000000000000-b7ad6b7169203331-01', 'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01']) {
        const answer = await server.api('POST', '/api/tasks', { body: { type: 'x' }, headers: { traceparent: bad } })
        expect(answer.status).toBe(201)
        expect(answer.body.traceparent).toBeNull()
      }
    } finally {
      trace.setGlobalTracerProvider(provider)
    }
  })
})

describe('no SDK registered', () => {
  it('stores no trace context, records nothing and runs handlers as before', async () => {
    trace.disable()
    try {
      queue = await openQueue({ inMemory: true })
      const task: Task = await queue.enqueue({ type: 'plain' })
      expect(task.traceparent).toBeNull()
      worker = createWorker({ queue, handlers: { plain: async () => 'done' } })
      await worker.start()
      expect((await queue.wait(task.id, { timeoutMs: 30_000 })).status).toBe('completed')
      const rows = queue.store.query({ query: 'SELECT traceparent, tracestate FROM workerTasks', bindValues: {} })
      expect(rows).toEqual([{ traceparent: null, tracestate: null }])
      expect(spans()).toEqual([])
    } finally {
      trace.setGlobalTracerProvider(provider)
    }
  })
})

describe('traceparent', () => {
  it('parses W3C version 00, refuses what W3C calls invalid, and accepts a later version with more fields', () => {
    expect(parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
      isRemote: true,
    })
    expect(parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01')).toBeNull()
    expect(parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra')).toBeNull()
    expect(parseTraceparent('00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01')).toBeNull()
    expect(parseTraceparent('01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra')).not.toBeNull()
    expect(parseTraceparent(undefined)).toBeNull()
  })
})
