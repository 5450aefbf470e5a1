/** Typed tasks: declare a task type once with Effect Schema, then enqueue and handle it typed end to end. */
export {
  defineTask,
  type Enqueuer,
  isTaskDefinition,
  type PayloadOf,
  type ResultOf,
  type TaskDefaults,
  type TaskDefinition,
  type TaskOptions,
  type TaskSchema,
} from './defineTask.js'
export { definitionOf, handle, InvalidResult, type TypedHandler } from './handle.js'
export { TaskTypes } from './registry.js'
