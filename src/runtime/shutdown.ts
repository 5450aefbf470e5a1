import type { Execution } from './execution.js'

/**
 * The grace period of a graceful stop (the Effect `PersistedQueue` semantics: work cut short by
 * shutdown is requeued without counting an attempt). Running handlers get `graceMs` to finish;
 * then, or at once when `force()` is called (a second SIGINT), they are aborted and their
 * executions recorded `interrupted`, which gives the attempt back.
 */
export class GracePeriod {
  private forced = false
  private cut: (() => void) | null = null

  /** Ends the grace period now (also before it started). */
  force(): void {
    this.forced = true
    this.cut?.()
  }

  /**
   * Waits for `inFlight` (handlers and their reports) up to `graceMs`; interrupts whatever still
   * runs after that. Resolves once every execution's final report is persisted.
   */
  async drain(inFlight: Iterable<Promise<void>>, running: () => Iterable<Execution>, graceMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const finished = await Promise.race([
      Promise.all([...inFlight]).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs)
        this.cut = () => resolve(false)
        if (this.forced) resolve(false)
      }),
    ])
    clearTimeout(timer)
    this.cut = null
    if (!finished) await Promise.all([...running()].map((e) => e.interrupt()))
  }
}
