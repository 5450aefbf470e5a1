import { schedules$ } from '../../schema/queries.js'
import type { TaskQueue } from '../taskQueue/TaskQueue.js'
import type { Fired } from './fire.js'

/** setTimeout's largest delay; a later slot just re-arms when this fires. */
const MAX_TIMER_MS = 2_147_483_647

/**
 * Runs the schedules: fires due slots at start (`catchUp: 'once'` schedules catch up on slots
 * missed while no host ran; `skip` schedules skip them), then ONE timer for the earliest next
 * slot; a change to the schedules table (set, pause, resume, remove) re-arms it. Every fire is
 * idempotent per slot (`schedule:<name>:<slot ISO>`), so a restart, a crash between fire and
 * ack, or a second pass cannot make two tasks for one slot. Run it in the host only.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null
  private unsubscribe: (() => void) | null = null
  private running: Promise<void> | null = null
  private again = false
  private stopped = false
  private startedAt = 0

  constructor(
    private readonly queue: TaskQueue,
    private readonly onFired: (fired: Fired) => void = () => {},
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  async start(): Promise<void> {
    this.startedAt = this.queue.now()
    await this.tick()
    // Never commit inside a subscription callback: only schedule a tick.
    this.unsubscribe = this.queue.subscribe(schedules$, () => setImmediate(() => void this.tick()))
  }

  /** Fires what is due and re-arms the timer. Concurrent calls coalesce into one more pass. */
  tick(): Promise<void> {
    if (this.stopped) return Promise.resolve()
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      do {
        this.again = false
        try {
          const { fired, nextAt } = await this.queue.fireDueSchedules(this.startedAt)
          for (const f of fired) this.onFired(f)
          this.arm(nextAt)
        } catch (error) {
          this.onError(error)
          this.arm(this.queue.now() + 1_000)
        }
      } while (this.again && !this.stopped)
    })().finally(() => {
      this.running = null
    })
    return this.running
  }

  private arm(at: number | null) {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (at === null || this.stopped) return
    this.timer = setTimeout(() => void this.tick(), Math.min(MAX_TIMER_MS, Math.max(0, at - this.queue.now())))
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.unsubscribe?.()
    if (this.timer) clearTimeout(this.timer)
    await this.running
  }
}
