import type { ExecutionRef, WorkerBackend } from './backend.js'
import type { Execution } from './execution.js'

/** How long a cancel request for a task this worker does not run (yet) is remembered. */
const EARLY_CANCEL_TTL_MS = 60_000
const EARLY_CANCEL_MAX = 10_000

/**
 * The executions running in this worker, and how the backend's signals reach them. A signal
 * that names the execution acts at once; one that names only the task (the local reaper, the
 * HTTP activity stream) is checked with the backend first, so a stale signal about an earlier
 * execution of the same task cannot abort a newer one.
 */
export class RunningExecutions {
  private readonly byId = new Map<string, Execution>()
  /**
   * Cancel requests for tasks not running here: a claim's answer can arrive after the request
   * for its task (the claim is persisted before the worker hears of it), so `add` looks here.
   */
  private readonly earlyCancels = new Map<string, { executionId: string | null; at: number }>()

  constructor(
    private readonly backend: WorkerBackend,
    private readonly onError: (error: unknown, during: string) => void,
  ) {}

  get size(): number {
    return this.byId.size
  }

  values(): IterableIterator<Execution> {
    return this.byId.values()
  }

  /** Registers an execution before its handler runs; a cancel that came first aborts it at once. */
  add(exec: Execution): void {
    this.byId.set(exec.executionId, exec)
    const early = this.earlyCancels.get(exec.task.id)
    if (early === undefined) return
    this.earlyCancels.delete(exec.task.id)
    if (Date.now() - early.at > EARLY_CANCEL_TTL_MS) return
    if (early.executionId === exec.executionId) exec.cancel()
    else if (early.executionId === null) this.verifyCancel(exec)
  }

  delete(exec: Execution): void {
    this.byId.delete(exec.executionId)
  }

  /** Executions whose handler is done and whose report is on its way (their slots free soon). */
  reporting(): number {
    let n = 0
    for (const e of this.byId.values()) if (e.reporting) n++
    return n
  }

  /** Executions by type; without those reporting when `withReporting` is false. */
  byType(withReporting = true): Map<string, number> {
    const counts = new Map<string, number>()
    for (const e of this.byId.values()) if (withReporting || !e.reporting) counts.set(e.task.type, (counts.get(e.task.type) ?? 0) + 1)
    return counts
  }

  cancelRequested(refs: ReadonlyArray<ExecutionRef>): void {
    for (const ref of refs) {
      const exec = this.find(ref)
      if (exec === undefined) this.rememberCancel(ref)
      else if (ref.executionId !== null) exec.cancel()
      else this.verifyCancel(exec)
    }
  }

  leaseLost(refs: ReadonlyArray<ExecutionRef>): void {
    for (const ref of refs) {
      const exec = this.find(ref)
      if (exec === undefined) continue
      if (ref.executionId !== null) exec.leaseLost()
      // Only executions that really lost their task: this worker may have re-claimed it already.
      else
        this.backend.holds(exec.task.id, exec.executionId).then(
          (holds) => holds || exec.leaseLost(),
          (e) => this.onError(e, 'lease check'),
        )
    }
  }

  private find(ref: ExecutionRef): Execution | undefined {
    if (ref.executionId !== null) return this.byId.get(ref.executionId)
    for (const e of this.byId.values()) if (e.task.id === ref.taskId) return e
    return undefined
  }

  private verifyCancel(exec: Execution): void {
    this.backend.cancelRequested(exec.task.id, exec.executionId).then(
      (yes) => yes && exec.cancel(),
      (e) => this.onError(e, 'cancel check'),
    )
  }

  private rememberCancel(ref: ExecutionRef): void {
    const now = Date.now()
    if (this.earlyCancels.size >= EARLY_CANCEL_MAX) {
      for (const [taskId, e] of this.earlyCancels) if (now - e.at > EARLY_CANCEL_TTL_MS) this.earlyCancels.delete(taskId)
      // Still full: the oldest entries go (insertion order).
      for (const taskId of this.earlyCancels.keys()) {
        if (this.earlyCancels.size < EARLY_CANCEL_MAX) break
        this.earlyCancels.delete(taskId)
      }
    }
    this.earlyCancels.set(ref.taskId, { executionId: ref.executionId, at: now })
  }
}
