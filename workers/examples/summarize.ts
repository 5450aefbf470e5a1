import { setTimeout as sleep } from 'node:timers/promises'
import { type Handler, PermanentError } from '../../src/runtime/index.js'

export type SummarizePayload = {
  text: string
  /** Characters per chunk. (Default: 400) */
  chunkSize?: number
  /** How long each chunk's stand-in "model call" takes, in ms. (Default: 20) */
  thinkMs?: number
}
export type SummarizeResult = { summary: string; chunks: number; words: number }

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
 * timeout or a forced shutdown stops it between chunks.
 */
export const summarize: Handler<SummarizePayload, SummarizeResult> = async (task, ctx) => {
  const { text, chunkSize = 400, thinkMs = 20 } = task.payload ?? ({} as SummarizePayload)
  // Bad input does not get better with retries: fail for good.
  if (typeof text !== 'string' || text.trim() === '') throw new PermanentError('payload.text must be a non-empty string')
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
