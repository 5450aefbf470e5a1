import * as path from 'node:path'
import { pathToFileURL } from 'node:url'
import { ValidationError } from '../errors.js'
import type { EscalationRule, HandlerQueue, Handlers } from '../runtime/types.js'

/** Enqueues example work until the returned function is called (`serve --demo`). */
export type DemoProducer = (queue: Pick<HandlerQueue, 'enqueueMany'>, log?: (line: string) => void) => () => void

export type HandlersModule = { handlers: Handlers; escalation?: Record<string, EscalationRule>; demo?: DemoProducer }

/**
 * Loads a handlers module: its default export maps task types to handlers; an optional named
 * export `escalation` gives the escalation rules. Relative paths are from the working directory.
 */
export const loadHandlers = async (modulePath: string): Promise<HandlersModule> => {
  const url = pathToFileURL(path.resolve(modulePath)).href
  let mod: { default?: unknown; escalation?: unknown; demo?: unknown }
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
  return {
    handlers: handlers as Handlers,
    ...(mod.escalation ? { escalation: mod.escalation as Record<string, EscalationRule> } : {}),
    ...(typeof mod.demo === 'function' ? { demo: mod.demo as DemoProducer } : {}),
  }
}
