import { setTimeout as sleep } from 'node:timers/promises'
import type { PayloadOf, ResultOf, TypedHandler } from '../../src/tasks/index.js'
import type { summarizeTask } from './tasks.js'

export type SummarizePayload = PayloadOf<typeof summarizeTask>
export type SummarizeResult = ResultOf<typeof summarizeTask>

/** Splits on whitespace into chunks of at most `size` characters (a long word gets its own chunk). */
const chunksOf = (text: string, size: number): string[] => {
  const chunks: string[] = []
  let current = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (current && current.length + 1 + word.length > size) {
      chunks.push(current)
      current = word
    } else current = current ? `${current} ${word}` : word
  }
  if (current) chunks.push(current)
  return chunks
}

/** A stand-in for a model call: the first sentence of the chunk. */
const firstSentence = (chunk: string): string => {
  const match = /^.*?[.!?](\s|$)/.exec(chunk)
  return (match ? match[0] : chunk).trim()
}

/**
 * `summarize`: a long-running agent step. It works chunk by chunk, reports progress after each
 * (the runtime throttles the events), and passes `ctx.signal` to every await, so a cancel, a
 * timeout or a forced shutdown stops it between chunks. Its payload is checked by the task's
 * schema (tasks.ts) before it runs: a blank text never gets here.
 */
export const summarize: TypedHandler<SummarizePayload, SummarizeResult> = async (payload, ctx) => {
  const { text, chunkSize = 400, thinkMs = 20 } = payload
  const chunks = chunksOf(text, chunkSize)
  const parts: string[] = []
  for (const [i, chunk] of chunks.entries()) {
    await sleep(thinkMs, undefined, { signal: ctx.signal }) // "thinking"; rejects at once if the signal aborts
    parts.push(firstSentence(chunk))
    ctx.progress((i + 1) / chunks.length, `chunk ${i + 1} of ${chunks.length}`)
  }
  ctx.log(`summarized ${chunks.length} chunks`)
  return { summary: parts.join(' '), chunks: chunks.length, words: text.split(/\s+/).filter(Boolean).length }
}
