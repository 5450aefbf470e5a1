import { setTimeout as sleep } from 'node:timers/promises'
import type { Handler } from '../../src/runtime/index.js'

export type ResearchStepPayload = { topic: string; question: string; /** The stand-in lookup's duration in ms. (Default: 30) */ thinkMs?: number }
export type ResearchStepResult = { question: string; finding: string }

/** `research-step`: answers one question (made up here: no network, no model). */
export const researchStep: Handler<ResearchStepPayload, ResearchStepResult> = async (task, ctx) => {
  const { topic, question, thinkMs = 30 } = task.payload
  await sleep(thinkMs, undefined, { signal: ctx.signal })
  return { question, finding: `Notes on "${question}" (${topic}): ${question.length} characters of curiosity.` }
}
