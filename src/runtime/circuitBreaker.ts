import type { BreakerState } from '../shapes/statuses.js'

export type { BreakerState }

/**
 * A circuit breaker per task type, in this worker's memory. After `threshold` consecutive
 * failed attempts the type's breaker opens: the claim loop stops claiming that type for
 * `cooldownMs`; then it goes half-open and lets exactly one trial through. The trial's success
 * closes it; its failure opens it for another cool-down. Cancelled and interrupted attempts
 * count neither way (they say nothing about the handler's health).
 */
export type BreakerSnapshot = {
  state: BreakerState
  consecutiveFailures: number
  /** When it last opened, or null. */
  openedAt: number | null
  /** When an open breaker goes half-open, or null. */
  halfOpenAt: number | null
  /** A half-open breaker's trial is running. */
  trialRunning: boolean
}

export const DEFAULT_BREAKER_THRESHOLD = 5
export const DEFAULT_BREAKER_COOLDOWN_MS = 60_000

type Entry = BreakerSnapshot & { timer: NodeJS.Timeout | null }

export class CircuitBreakers {
  private readonly entries = new Map<string, Entry>()

  constructor(
    private readonly opts: { threshold: number; cooldownMs: number; enabled: boolean },
    private readonly now: () => number,
    /** Told about every state change; `halfOpen` is also the claim loop's cue to wake. */
    private readonly onChange: (type: string, from: BreakerState, to: BreakerState, failures: number) => void,
  ) {}

  private entry(type: string): Entry {
    let e = this.entries.get(type)
    if (!e) {
      e = { state: 'closed', consecutiveFailures: 0, openedAt: null, halfOpenAt: null, trialRunning: false, timer: null }
      this.entries.set(type, e)
    }
    return e
  }

  /** How many more tasks of `type` may be claimed now as far as the breaker goes. */
  room(type: string): number {
    if (!this.opts.enabled) return Number.POSITIVE_INFINITY
    const e = this.entry(type)
    if (e.state === 'closed') return Number.POSITIVE_INFINITY
    if (e.state === 'halfOpen') return e.trialRunning ? 0 : 1
    return 0
  }

  /** A task of `type` was claimed: in half-open state it is the one trial. */
  claimed(type: string): void {
    const e = this.entry(type)
    if (e.state === 'halfOpen') e.trialRunning = true
  }

  success(type: string): void {
    if (!this.opts.enabled) return
    const e = this.entry(type)
    // A success that started before the breaker opened proves nothing about now: only a trial closes it.
    if (e.state === 'open') return
    e.consecutiveFailures = 0
    if (e.state === 'halfOpen') this.transition(type, e, 'closed')
  }

  failure(type: string): void {
    if (!this.opts.enabled) return
    const e = this.entry(type)
    e.consecutiveFailures++
    if (e.state === 'halfOpen' || (e.state === 'closed' && e.consecutiveFailures >= this.opts.threshold)) this.open(type, e)
  }

  /** An attempt that counts neither way ended (cancelled, interrupted): a half-open trial slot is free again. */
  neutral(type: string): void {
    const e = this.entry(type)
    if (e.state === 'halfOpen') e.trialRunning = false
  }

  snapshot(): Record<string, BreakerSnapshot> {
    const out: Record<string, BreakerSnapshot> = {}
    for (const [type, { timer: _timer, ...snap }] of this.entries) out[type] = { ...snap }
    return out
  }

  dispose(): void {
    for (const e of this.entries.values()) if (e.timer) clearTimeout(e.timer)
  }

  private open(type: string, e: Entry): void {
    e.openedAt = this.now()
    e.halfOpenAt = e.openedAt + this.opts.cooldownMs
    e.trialRunning = false
    if (e.timer) clearTimeout(e.timer)
    e.timer = setTimeout(() => {
      e.timer = null
      e.halfOpenAt = null
      this.transition(type, e, 'halfOpen')
    }, this.opts.cooldownMs)
    this.transition(type, e, 'open')
  }

  private transition(type: string, e: Entry, to: BreakerState): void {
    const from = e.state
    e.state = to
    if (to === 'closed') {
      e.openedAt = null
      e.trialRunning = false
    }
    if (from !== to) this.onChange(type, from, to, e.consecutiveFailures)
  }
}
