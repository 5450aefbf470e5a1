/**
 * Commands enter, a rotation closes: while closed, new commands wait; `closeAndDrain` resolves
 * once every command already inside has left (their reads and writes then all belong to the old
 * store), and `open` lets the waiting ones in, onto the new store.
 */
export class Gate {
  private inside = 0
  private closed: { promise: Promise<void>; open: () => void } | null = null
  private drained: Array<() => void> = []

  enter(): (() => void) | Promise<() => void> {
    if (this.closed) return this.closed.promise.then(() => this.enter())
    this.inside++
    let left = false
    return () => {
      if (left) return
      left = true
      if (--this.inside === 0) for (const resolve of this.drained.splice(0)) resolve()
    }
  }

  /** Closes the gate; resolves when no command is inside. */
  closeAndDrain(): Promise<void> {
    if (!this.closed) {
      let open = () => {}
      const promise = new Promise<void>((resolve) => (open = resolve))
      this.closed = { promise, open }
    }
    return this.inside === 0 ? Promise.resolve() : new Promise((resolve) => this.drained.push(resolve))
  }

  open(): void {
    const closed = this.closed
    this.closed = null
    closed?.open()
  }
}
