import { setTimeout as sleep } from 'node:timers/promises'
import type { PayloadOf, ResultOf, TypedHandler } from '../../src/tasks/index.js'
import type { researchStepTask } from './tasks.js'

export type ResearchStepPayload = PayloadOf<typeof researchStepTask>
export type ResearchStepResult = ResultOf<typeof researchStepTask>

/** `research-step`: answers one question (made up here: no network, no model). */
export const researchStep: TypedHandler<ResearchStepPayload, ResearchStepResult> = async (payload, ctx) => {
  const { topic, question, thinkMs = 30 } = payload
  await sleep(thinkMs, undefined, { signal: ctx.signal })
  return { question, finding: `Notes on "${question}" (${topic}): ${question.length} characters of curiosity.` }
}
