import type { Task } from '../queue/types.js'
import type { BreakerState } from './circuitBreaker.js'

/** What every task hook receives. */
export type TaskHookEvent = { runnerId: string; task: Task; executionId: string; attempt: number }

/**
 * Lifecycle hooks for logging and metrics. They run in this process only and are never
 * committed: the synced history is the events; these are for the operator's logs.
 * A hook that throws is reported on stderr and otherwise ignored.
 */
export type WorkerHooks = {
  /** The worker registered and began claiming. */
  'worker:start': (e: { runnerId: string; types: ReadonlyArray<string>; concurrency: number }) => void
  /** `stop()` was called: no more claims; running handlers get the grace period. */
  'worker:stopping': (e: { runnerId: string; running: number }) => void
  /** The worker stopped; everything it wrote is persisted. */
  'worker:stop': (e: { runnerId: string }) => void
  /** Something the runtime itself needed failed (a claim, a report); the worker keeps going if it can. */
  'worker:error': (e: { runnerId: string; error: unknown; during: string }) => void
  /** A remote worker cannot reach its host (refused, reset, 503 while it restarts); calls are retried with backoff. Once per outage. */
  'worker:disconnected': (e: { runnerId: string; error: unknown }) => void
  /** The host answers again after `downMs`; retried calls went through. */
  'worker:reconnected': (e: { runnerId: string; downMs: number }) => void
  /** The runtime cannot go on (the queue closed under it, say); the worker stops. */
  'worker:fatalError': (e: { runnerId: string; error: unknown }) => void
  /** A handler is about to run. */
  'task:start': (e: TaskHookEvent) => void
  /** A line from `ctx.log` (it is also kept with the execution). */
  'task:log': (e: TaskHookEvent & { message: string; fields?: Record<string, unknown> }) => void
  /** The handler returned and the completion was accepted. */
  'task:success': (e: TaskHookEvent & { result: unknown; durationMs: number }) => void
  /** An attempt failed (threw or timed out); `willRetry` says whether the queue scheduled another. */
  'task:error': (e: TaskHookEvent & { error: unknown; timedOut: boolean; willRetry: boolean }) => void
  /** The task failed for good: permanent error or no attempt left (the dead-letter view). */
  'task:failed': (e: TaskHookEvent & { error: unknown; timedOut: boolean }) => void
  /** The task ended `cancelled` after its handler stopped. */
  'task:cancelled': (e: TaskHookEvent) => void
  /** The handler called `ctx.rateLimited(ms)`: the task runs again at `retryAt` (attempt given back) and its type pauses until then. */
  'task:rateLimited': (e: TaskHookEvent & { delayMs: number; retryAt: number | null }) => void
  /** The attempt was interrupted by shutdown and given back; the task runs again. */
  'task:interrupted': (e: TaskHookEvent) => void
  /** The execution no longer held its task (its lease expired), so the queue ignored its report. */
  'task:ignored': (e: TaskHookEvent & { report: 'completion' | 'failure' }) => void
  /** A linked task of another type was enqueued for a task that failed or timed out for good. */
  'task:escalated': (e: TaskHookEvent & { toTaskId: string; toType: string; reason: 'failure' | 'timeout' }) => void
  /** A type's circuit breaker changed state. */
  'breaker:change': (e: { runnerId: string; type: string; from: BreakerState; to: BreakerState; consecutiveFailures: number }) => void
}

export type HookName = keyof WorkerHooks

/** The worker's hook listeners, with a safe `emit`. */
export class Hooks {
  private readonly listeners = new Map<HookName, Set<(e: any) => void>>()

  constructor(initial: Partial<WorkerHooks> = {}) {
    for (const [name, fn] of Object.entries(initial)) if (fn) this.on(name as HookName, fn as WorkerHooks[HookName])
  }

  on<K extends HookName>(name: K, fn: WorkerHooks[K]): () => void {
    let set = this.listeners.get(name)
    if (!set) this.listeners.set(name, (set = new Set()))
    set.add(fn as (e: any) => void)
    return () => set.delete(fn as (e: any) => void)
  }

  has(name: HookName): boolean {
    return (this.listeners.get(name)?.size ?? 0) > 0
  }

  emit<K extends HookName>(name: K, event: Parameters<WorkerHooks[K]>[0]): void {
    for (const fn of this.listeners.get(name) ?? []) {
      try {
        fn(event)
      } catch (error) {
        // A broken logger must not break task processing.
        console.error(`livequeue: hook ${name} threw`, error)
      }
    }
  }
}
