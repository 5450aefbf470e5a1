import type { PayloadOf, ResultOf, TypedHandler } from '../../src/tasks/index.js'
import { reportTask, type researchTask, researchStepTask } from './tasks.js'

export type ResearchPayload = PayloadOf<typeof researchTask>
export type ResearchResult = ResultOf<typeof researchTask>

/**
 * `research`: an orchestrator. It fans out one `research-step` task per question and a final
 * `report` task that `dependsOn` all of them, so the queue runs the report only after every step
 * completed (and cancels it, with the reason, if a step fails for good). The idempotency keys
 * make a retried orchestrator find its earlier sub-tasks instead of enqueueing them twice.
 */
export const research: TypedHandler<ResearchPayload, ResearchResult> = async (payload, ctx) => {
  const { topic, thinkMs } = payload
  const task = ctx.task
  const questions = payload.questions ?? [`What is ${topic}?`, `Who works on ${topic}?`, `What is still open about ${topic}?`]
  const steps = await ctx.queue.enqueueMany(
    questions.map((question, i) =>
      researchStepTask.input(
        { topic, question, ...(thinkMs ? { thinkMs } : {}) },
        { queue: task.queue, priority: task.priority, idempotencyKey: `${task.id}:step:${i}` },
      ),
    ),
  )
  ctx.progress(0.5, `${steps.length} steps queued`)
  const report = await reportTask.enqueue(
    ctx.queue,
    { topic },
    { queue: task.queue, priority: task.priority, dependsOn: steps.map((s) => s.id), idempotencyKey: `${task.id}:report` },
  )
  return { stepTaskIds: steps.map((s) => s.id), reportTaskId: report.id }
}
