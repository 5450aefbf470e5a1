import type { DemoProducer } from '../../src/host/loadHandlers.js'
import type { EnqueueInput } from '../../src/queue/types.js'
import { researchTask, summarizeTask } from './tasks.js'

const DOCUMENT =
  'Event sourcing keeps every change as an event. The current state is a fold over the events. ' +
  'LiveStore materializes events into SQLite tables and keeps them reactive. A task queue built on ' +
  'it gets its history, its live view and its durability from the same log. '

/** One round of example work: a summary, a research fan-out, a flaky call. */
const round = (n: number): EnqueueInput[] => [
  summarizeTask.input({ text: DOCUMENT.repeat(4 + (n % 5)), chunkSize: 200, thinkMs: 800 }, { tags: ['demo'] }),
  researchTask.input({ topic: ['event sourcing', 'LiveStore', 'task queues', 'AI agents'][n % 4] as string, thinkMs: 2_000 }, { tags: ['demo'] }),
  { type: 'flaky', payload: { failTimes: n % 3 === 2 ? 5 : 1 }, maxAttempts: 3, backoff: { strategy: 'exponential', baseMs: 500 }, tags: ['demo'] },
]

/**
 * `serve --demo` (the `demo` export of this handlers module): enqueues a round of example work
 * now and every `everyMs`, so a fresh `npm start` shows the example agents busy. Returns a
 * function that stops it.
 */
export const startDemoProducer: DemoProducer = (queue, log = () => {}, everyMs = 15_000) => {
  let n = 0
  const enqueueRound = () => {
    queue.enqueueMany(round(n++)).then(
      (tasks) => log(`demo: enqueued ${tasks.map((t) => t.type).join(', ')}`),
      (error) => log(`demo: enqueue failed: ${(error as Error).message}`),
    )
  }
  enqueueRound()
  const timer = setInterval(enqueueRound, everyMs)
  return () => clearInterval(timer)
}
