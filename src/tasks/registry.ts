import { ValidationError } from '../errors.js'
import { decodeOrThrow, isTaskDefinition, type TaskDefinition } from './defineTask.js'

/**
 * The task types a queue knows (`openQueue({ tasks })`, `queue.registerTasks`, or a host's
 * `serve --workers` module). An enqueue of a known type, from any client (library, CLI, HTTP),
 * gets the type's default options under its own and has its payload checked against the
 * declared schema; unknown types are taken as before (untyped use keeps working).
 */
export class TaskTypes {
  private readonly byType = new Map<string, TaskDefinition>()

  /** Adds definitions; a later definition of a type replaces the earlier one. */
  register(definitions: Iterable<TaskDefinition>): void {
    for (const definition of definitions) {
      if (!isTaskDefinition(definition)) {
        throw new ValidationError({ field: 'tasks', reason: 'each entry must be a task definition made by defineTask(...)' })
      }
      this.byType.set(definition.type, definition)
    }
  }

  get(type: string): TaskDefinition | undefined {
    return this.byType.get(type)
  }

  /** The declared types, by name. */
  list(): TaskDefinition[] {
    return [...this.byType.values()].sort((a, b) => a.type.localeCompare(b.type))
  }

  /**
   * `input` with its type's defaults under it and its payload checked (the stored JSON must
   * decode with the payload schema); `ValidationError` naming the field (`payload.text`, or
   * `[2].payload.text` in a batch) otherwise. Inputs of unknown types are returned as they are.
   */
  prepare(input: unknown, prefix = ''): unknown {
    if (this.byType.size === 0 || typeof input !== 'object' || input === null) return input
    const given = input as Record<string, unknown>
    const definition = typeof given.type === 'string' ? this.byType.get(given.type) : undefined
    if (definition === undefined) return input
    try {
      decodeOrThrow(definition.payload, given.payload ?? null, 'payload')
    } catch (error) {
      if (error instanceof ValidationError) throw new ValidationError({ field: prefix + error.field, reason: error.reason })
      throw error
    }
    const own = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined))
    return { ...definition.defaults, ...own }
  }
}
