import * as path from 'node:path'
import { pathToFileURL } from 'node:url'
import { ValidationError } from '../errors.js'
import type { EscalationRule, HandlerQueue, Handlers } from '../runtime/types.js'
import type { TaskDefinition } from '../tasks/defineTask.js'
import { definitionOf, isTaskDefinition } from '../tasks/marks.js'

/** Enqueues example work until the returned function is called (`serve --demo`). */
export type DemoProducer = (queue: Pick<HandlerQueue, 'enqueueMany'>, log?: (line: string) => void) => () => void

export type HandlersModule = {
  handlers: Handlers
  escalation?: Record<string, EscalationRule>
  demo?: DemoProducer
  /** The task types the module declares: its `handle(...)` handlers' definitions and its `tasks` export. */
  tasks: TaskDefinition[]
}

/**
 * Loads a handlers module: its default export maps task types to handlers; an optional named
 * export `escalation` gives the escalation rules, and an optional `tasks` export (an array of
 * `defineTask` definitions) declares types beside those its `handle(...)` handlers carry.
 * Relative paths are from the working directory.
 */
export const loadHandlers = async (modulePath: string): Promise<HandlersModule> => {
  const url = pathToFileURL(path.resolve(modulePath)).href
  let mod: { default?: unknown; escalation?: unknown; demo?: unknown; tasks?: unknown }
  try {
    mod = await import(url)
  } catch (error) {
    throw new ValidationError({ field: 'workers', reason: `cannot load ${modulePath}: ${(error as Error).message}` })
  }
  const handlers = mod.default
  if (typeof handlers !== 'object' || handlers === null || Object.keys(handlers).length === 0) {
    throw new ValidationError({ field: 'workers', reason: `${modulePath} must default-export an object mapping task types to handler functions` })
  }
  for (const [type, fn] of Object.entries(handlers)) {
    if (typeof fn !== 'function') throw new ValidationError({ field: 'workers', reason: `${modulePath}: the handler for "${type}" is not a function` })
  }
  if (mod.tasks !== undefined && !(Array.isArray(mod.tasks) && mod.tasks.every(isTaskDefinition))) {
    throw new ValidationError({ field: 'workers', reason: `${modulePath}: the \`tasks\` export must be an array of defineTask(...) definitions` })
  }
  const declared = [...((mod.tasks as TaskDefinition[] | undefined) ?? []), ...Object.values(handlers).flatMap((fn) => definitionOf(fn) ?? [])]
  return {
    handlers: handlers as Handlers,
    ...(mod.escalation ? { escalation: mod.escalation as Record<string, EscalationRule> } : {}),
    ...(typeof mod.demo === 'function' ? { demo: mod.demo as DemoProducer } : {}),
    tasks: [...new Map(declared.map((d) => [d.type, d])).values()],
  }
}
