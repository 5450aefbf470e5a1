import { events } from '../../events/index.js'
import { epochMaterializers } from './epoch.js'
import { logMaterializers } from './logs.js'
import { queueMaterializers } from './queue.js'
import { rateLimitMaterializers } from './rateLimit.js'
import { runnerMaterializers } from './runner.js'
import { scheduleMaterializers } from './schedule.js'
import { taskMaterializers } from './task.js'

/** Every livequeue materializer, keyed by event name, ready to spread into an app's own `makeState`. */
export const materializers = {
  ...taskMaterializers(events),
  ...queueMaterializers(events),
  ...runnerMaterializers(events),
  ...scheduleMaterializers(events),
  ...epochMaterializers(events),
  ...logMaterializers(events),
  ...rateLimitMaterializers(events),
}
