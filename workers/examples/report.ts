import type { Handler } from '../../src/runtime/index.js'

export type ReportPayload = { topic: string }
export type ReportResult = { topic: string; findings: unknown[]; text: string }

/**
 * `report`: runs once every task in its `dependsOn` completed (the queue guarantees that), and
 * gathers their results with `ctx.queue.get`.
 */
export const report: Handler<ReportPayload, ReportResult> = async (task, ctx) => {
  const steps = await Promise.all(task.dependsOn.map((id) => ctx.queue.get(id)))
  const findings = steps.map((s) => s.result)
  const lines = findings.map((f, i) => `${i + 1}. ${(f as { finding?: string } | null)?.finding ?? JSON.stringify(f)}`)
  return { topic: task.payload.topic, findings, text: [`Report: ${task.payload.topic}`, ...lines].join('\n') }
}
