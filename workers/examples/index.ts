import type { EscalationRule, Handlers } from '../../src/runtime/index.js'
import { flaky } from './flaky.js'
import { humanReview } from './humanReview.js'
import { report } from './report.js'
import { research } from './research.js'
import { researchStep } from './researchStep.js'
import { summarize } from './summarize.js'

/**
 * The example agents: task type → handler. Pass them to `createWorker({ queue, handlers })`,
 * or point `livequeue serve --workers` at this module's build output.
 */
const handlers: Handlers = {
  summarize,
  research,
  'research-step': researchStep,
  report,
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
