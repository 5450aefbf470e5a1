import type { PayloadOf, ResultOf, TypedHandler } from '../../src/tasks/index.js'
import { type reportTask, researchStepTask } from './tasks.js'

export type ReportPayload = PayloadOf<typeof reportTask>
export type ReportResult = ResultOf<typeof reportTask>

/**
 * `report`: runs once every task in its `dependsOn` completed (the queue guarantees that; a step
 * that fails for good cancels the report instead), and reads their results from
 * `ctx.dependencies`, decoded by the step's result schema: no extra reads, and typed.
 */
export const report: TypedHandler<ReportPayload, ReportResult> = async (payload, ctx) => {
  const findings = ctx.dependencies.map((step) => researchStepTask.resultOf(step))
  const lines = findings.map((f, i) => `${i + 1}. ${f.finding}`)
  return { topic: payload.topic, findings, text: [`Report: ${payload.topic}`, ...lines].join('\n') }
}
