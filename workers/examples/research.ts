import type { Handler } from '../../src/runtime/index.js'

export type ResearchPayload = {
  topic: string
  /** (Default: three generic questions about the topic) */
  questions?: string[]
  /** Passed on to each step. (Default: the step's own) */
  thinkMs?: number
}
export type ResearchResult = { stepTaskIds: string[]; reportTaskId: string }

/**
 * `research`: an orchestrator. It fans out one `research-step` task per question and a final
 * `report` task that `dependsOn` all of them, so the queue runs the report only after every step
 * completed. The idempotency keys make a retried orchestrator find its earlier sub-tasks
 * instead of enqueueing them twice.
 */
export const research: Handler<ResearchPayload, ResearchResult> = async (task, ctx) => {
  const { topic } = task.payload
  const questions = task.payload.questions ?? [`What is ${topic}?`, `Who works on ${topic}?`, `What is still open about ${topic}?`]
  const steps = await ctx.queue.enqueueMany(
    questions.map((question, i) => ({
      type: 'research-step',
      payload: { topic, question, ...(task.payload.thinkMs ? { thinkMs: task.payload.thinkMs } : {}) },
      queue: task.queue,
      priority: task.priority,
      idempotencyKey: `${task.id}:step:${i}`,
    })),
  )
  ctx.progress(0.5, `${steps.length} steps queued`)
  const report = await ctx.queue.enqueue({
    type: 'report',
    payload: { topic },
    queue: task.queue,
    priority: task.priority,
    dependsOn: steps.map((s) => s.id),
    idempotencyKey: `${task.id}:report`,
  })
  return { stepTaskIds: steps.map((s) => s.id), reportTaskId: report.id }
}
