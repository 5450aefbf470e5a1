import { QueueClosed } from '../errors.js'
import type { QueueContext } from '../queue/context.js'
import type { OwnedStore } from './openStore.js'

/**
 * How `TaskQueue` runs its reads and commands: refused once the queue is closed, a failed
 * store's error named, and commands inside the store's epoch gate.
 */
export class QueueGate {
  closed = false

  constructor(
    private readonly owned: OwnedStore,
    readonly ctx: QueueContext,
  ) {}

  /** A synchronous read. */
  use<T>(fn: (ctx: QueueContext) => T): T {
    if (this.closed) throw new QueueClosed()
    try {
      return fn(this.ctx)
    } catch (error) {
      // LiveStore shut a failed store down: say why, not "Store has been shut down".
      const health = this.owned.writeHealth
      if (health.state === 'down' && /shut down/.test(String((error as Error)?.message ?? error))) throw health.error
      throw error
    }
  }

  /**
   * Every command enters the store's gate: while the store rotates into a new epoch, commands wait
   * at the gate, and the rotation waits for the commands already inside (their reads and writes
   * must all land in the same epoch: a claim reads the eligible task, then commits its claim).
   */
  async useAsync<T>(fn: (ctx: QueueContext) => Promise<T>): Promise<T> {
    if (this.closed) throw new QueueClosed()
    const entered = this.owned.enter()
    const leave = typeof entered === 'function' ? entered : await entered
    try {
      return await fn(this.ctx)
    } finally {
      leave()
    }
  }
}
