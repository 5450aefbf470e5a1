import type { EscalationRule, Handlers } from '../../src/runtime/index.js'
import { handle } from '../../src/tasks/index.js'
import { flaky } from './flaky.js'
import { humanReview } from './humanReview.js'
import { report } from './report.js'
import { research } from './research.js'
import { researchStep } from './researchStep.js'
import { summarize } from './summarize.js'
import { reportTask, researchStepTask, researchTask, summarizeTask } from './tasks.js'

export { reportTask, researchStepTask, researchTask, summarizeTask } from './tasks.js'

/**
 * The example agents: task type → handler. Pass them to `createWorker({ queue, handlers })`,
 * or point `livequeue serve --workers` at this module's build output. The first four are typed
 * (`handle` with their declarations in tasks.ts: the host checks their payloads at enqueue);
 * `flaky` and `human-review` show that untyped handlers work beside them.
 */
const handlers: Handlers = {
  ...handle(summarizeTask, summarize),
  ...handle(researchTask, research),
  ...handle(researchStepTask, researchStep),
  ...handle(reportTask, report),
  flaky,
  'human-review': humanReview,
}
export default handlers

/** What `serve --demo` runs: a round of example work every 15 s. */
export { startDemoProducer as demo } from './demo.js'

/** Escalation rules for the examples: a `flaky` task that fails for good goes to `human-review`. */
export const escalation: Record<string, EscalationRule> = {
  flaky: { onFailure: 'human-review', onTimeout: 'human-review' },
}
