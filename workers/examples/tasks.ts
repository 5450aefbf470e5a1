import { Schema } from 'effect'
import { defineTask } from '../../src/tasks/index.js'

/**
 * The example agents' task types, declared once: payload and result schemas and default options.
 * The handlers in this folder take them (`handle(...)` in index.ts), producers enqueue with them
 * (`summarizeTask.enqueue(queue, { text })`), and a host started with `--workers` on this module
 * checks every enqueue of these types against them, whatever the client.
 */

const Text = Schema.String.pipe(Schema.filter((s) => s.trim() !== '' || 'must be a non-empty string'))
const Ms = Schema.Number.pipe(Schema.int(), Schema.between(0, 60_000))

export const summarizeTask = defineTask({
  type: 'summarize',
  payload: Schema.Struct({
    text: Text,
    /** Characters per chunk. (Default: 400) */
    chunkSize: Schema.optional(Schema.Number.pipe(Schema.int(), Schema.between(20, 100_000))),
    /** How long each chunk's stand-in "model call" takes, in ms. (Default: 20) */
    thinkMs: Schema.optional(Ms),
  }),
  result: Schema.Struct({ summary: Schema.String, chunks: Schema.Number, words: Schema.Number }),
})

export const researchTask = defineTask({
  type: 'research',
  payload: Schema.Struct({
    topic: Text,
    /** (Default: three generic questions about the topic) */
    questions: Schema.optional(Schema.Array(Text).pipe(Schema.minItems(1), Schema.maxItems(20))),
    /** Passed on to each step. (Default: the step's own) */
    thinkMs: Schema.optional(Ms),
  }),
  result: Schema.Struct({ stepTaskIds: Schema.Array(Schema.String), reportTaskId: Schema.String }),
  defaults: { priority: 'high' },
})

export const researchStepTask = defineTask({
  type: 'research-step',
  payload: Schema.Struct({
    topic: Text,
    question: Text,
    /** The stand-in lookup's duration in ms. (Default: 30) */
    thinkMs: Schema.optional(Ms),
  }),
  result: Schema.Struct({ question: Schema.String, finding: Schema.String }),
  // An agent's lookup may hit a flaky provider: a few more tries than the queue's default.
  defaults: { maxAttempts: 5 },
})

export const reportTask = defineTask({
  type: 'report',
  payload: Schema.Struct({ topic: Text }),
  result: Schema.Struct({ topic: Schema.String, findings: Schema.Array(researchStepTask.result), text: Schema.String }),
})
