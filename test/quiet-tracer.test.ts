import { StoreInternalsSymbol } from '@livestore/livestore'
import { afterEach, describe, expect, it } from 'vitest'
import { openQueue, type TaskQueue } from '../src/index.js'
import { quietTracer } from '../src/store/quietTracer.js'
import { tempDir } from './helpers/queue.js'

type TimedSpan = { _duration: [number, number]; _performanceStartTime: number; end(): void; spanContext(): { traceId: string } }

describe('the tracer livequeue hands to LiveStore', () => {
  let queue: TaskQueue | null = null
  afterEach(async () => {
    await queue?.close()
    queue = null
  })

  it('is the one every store livequeue opens uses (not LiveStore’s cuid-making no-op)', async () => {
    queue = await openQueue({ dataDir: tempDir() })
    expect(queue.store[StoreInternalsSymbol].otel.tracer).toBe(quietTracer)
    // The store works through it: a write, a live read, a query timing LiveStore reads off the span.
    const { id } = await queue.enqueue({ type: 'mail', payload: { to: 'a' } })
    expect((await queue.get(id))?.status).toBe('pending')
  })

  it('keeps the span shape LiveStore reads (start time, duration) and one fixed context', () => {
    const span = quietTracer.startSpan('x') as unknown as TimedSpan
    expect(span._performanceStartTime).toBeGreaterThan(0)
    span.end()
    expect(span._duration[0]).toBeGreaterThanOrEqual(0)
    expect(span.spanContext()).toBe((quietTracer.startSpan('y') as unknown as TimedSpan).spanContext())
  })

  it('calls the callback of startActiveSpan with a span, whatever the overload', () => {
    const seen: unknown[] = []
    expect(quietTracer.startActiveSpan('a', (s) => seen.push(s) && 1)).toBe(1)
    expect(quietTracer.startActiveSpan('b', {}, (s) => seen.push(s) && 2)).toBe(2)
    expect(quietTracer.startActiveSpan('c', {}, undefined as never, (s) => seen.push(s) && 3)).toBe(3)
    expect(seen).toHaveLength(3)
  })
})
