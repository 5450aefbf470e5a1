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
  private inFlight: Promise<void> = Promise.resolve()
  private closed = false

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
    const wait = this.lastSentAt + this.intervalMs - Date.now()
    if (wait <= 0 && this.timer === null) this.sendPending()
    else this.timer ??= setTimeout(() => this.sendPending(), Math.max(0, wait))
  }

  /** Writes the pending value now (if any) and waits for every write so far. No more writes after. */
  async flush(): Promise<void> {
    this.sendPending()
    this.closed = true
    await this.inFlight
  }

  /** Drops any pending value (the execution ended without a report worth updating). */
  dispose(): void {
    this.closed = true
    this.pending = null
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  private sendPending(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    const value = this.pending
    if (value === null) return
    this.pending = null
    this.lastSentAt = Date.now()
    // Writes are chained so they land in the order they were made.
    this.inFlight = this.inFlight.then(() => this.send(value)).catch(() => {})
  }
}
