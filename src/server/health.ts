/**
 * The server's lifecycle, which /readyz reports: `starting` until the host says it is ready
 * (workers up), `ready`, then `stopping` once shutdown begins. Stopping aborts `signal`, which
 * ends every long wait (long-poll claims, task waits, SSE streams) so in-flight requests finish
 * promptly; `inFlight` counts requests being answered, so shutdown can wait for them.
 */
export type LifecycleState = 'starting' | 'ready' | 'stopping'

export class Lifecycle {
  private current: LifecycleState = 'starting'
  private readonly controller = new AbortController()
  private active = 0
  private idle: Array<() => void> = []

  get state(): LifecycleState {
    return this.current
  }

  /** Aborted when the server starts stopping. */
  get signal(): AbortSignal {
    return this.controller.signal
  }

  ready(): void {
    if (this.current === 'starting') this.current = 'ready'
  }

  stop(): void {
    this.current = 'stopping'
    this.controller.abort(new Error('the host is stopping'))
  }

  /** A request started; call the returned function when it is answered. */
  enter(): () => void {
    this.active++
    let left = false
    return () => {
      if (left) return
      left = true
      if (--this.active === 0) for (const resolve of this.idle.splice(0)) resolve()
    }
  }

  get inFlight(): number {
    return this.active
  }

  /** Resolves once no request is being answered, or after `timeoutMs`, whichever comes first. */
  drained(timeoutMs: number): Promise<void> {
    if (this.active === 0) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs)
      this.idle.push(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }
}
