/**
 * Progress events are kept forever and sent to every replica (STYLE: no frequent synced
 * events), so a handler reporting per token must not become an event per token. The first
 * report of an execution is written at once, later ones at most once per `intervalMs`; the
 * latest value always wins, and `flush()` writes a pending one before the final report.
 */
export type ProgressValue = { fraction: number; message: string | null }

export class ProgressThrottle {
  private pending: ProgressValue | null = null
  private lastSentAt = Number.NEGATIVE_INFINITY
  private timer: NodeJS.Timeout | null = null
  private inFlight: Promise<void> | null = null
  private closed = false
  private flushing = false

  constructor(
    private readonly send: (value: ProgressValue) => Promise<void>,
    private readonly intervalMs = 1_000,
  ) {}

  report(fraction: number, message?: string | null): void {
    if (typeof fraction !== 'number' || !Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
      throw new RangeError(`progress must be a fraction from 0 to 1; got ${fraction}`)
    }
    if (message !== undefined && message !== null && (typeof message !== 'string' || message.length > 1000)) {
      throw new RangeError('progress message must be a string of at most 1000 characters')
    }
    if (this.closed) return
    this.pending = { fraction, message: message ?? null }
    this.schedule()
  }

  /** Writes the pending value now (if any) and waits for every write so far. No more writes after. */
  async flush(): Promise<void> {
    if (this.closed && !this.flushing) return
    this.closed = true
    this.flushing = true
    this.sendPending()
    while (this.inFlight !== null) await this.inFlight
    this.flushing = false
  }

  /** Drops any pending value (the execution ended without a report worth updating). */
  dispose(): void {
    this.closed = true
    this.pending = null
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  /** Sends now if the interval has passed and no write is under way; else arms one timer. */
  private schedule(): void {
    if (this.pending === null || this.inFlight !== null) return
    const wait = this.flushing ? 0 : this.lastSentAt + this.intervalMs - Date.now()
    if (wait <= 0) this.sendPending()
    else this.timer ??= setTimeout(() => this.sendPending(), wait)
  }

  private sendPending(): void {
    if (this.inFlight !== null) return // the write under way sends the pending value when it returns
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    const value = this.pending
    if (value === null) return
    this.pending = null
    this.lastSentAt = Date.now()
    this.inFlight = this.send(value)
      .catch(() => {})
      .finally(() => {
        this.inFlight = null
        this.schedule()
      })
  }
}
