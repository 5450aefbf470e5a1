/** A processing task's lease as the state tables have it. */
export type LeaseRow = { id: string; currentExecutionId: string | null; leaseUntil: number | null; startedAt: number | null }

/** The shortest period a lease is re-armed for after a restart. */
const MIN_REARM_MS = 1_000

/**
 * Lease deadlines kept in the host's memory instead of one event per heartbeat. The host is the
 * store's single writer, so it alone decides when a lease has run out; a heartbeat only moves
 * a deadline, and writing it would cost a LiveStore commit (~10 ms of CPU here) per running task
 * every 30 s: 1,000 long agent tasks would write 33 events a second forever. The state tables
 * keep the claim's deadline (`leaseUntil`); the decisions that matter are events
 * (`TaskClaimed`, `TaskProgress`, `TaskLeaseExpired`).
 *
 * After a restart the memory is empty: `rearm` gives every processing task a full lease period
 * from then (its claim's own period), so a worker that kept running through the host's restart
 * has time to heartbeat again, and one that died with it is expired one period later.
 */
export class LeaseBook {
  private readonly deadlines = new Map<string, number>()

  /** A heartbeat (or progress) from the execution holding its task moves its deadline to `until`. */
  extend(executionId: string, until: number): void {
    const known = this.deadlines.get(executionId)
    if (known === undefined || until > known) this.deadlines.set(executionId, until)
  }

  /** The execution's deadline: the later of the stored one and the one kept here. */
  deadline(row: Pick<LeaseRow, 'currentExecutionId' | 'leaseUntil'>): number {
    const stored = row.leaseUntil ?? 0
    const kept = row.currentExecutionId === null ? undefined : this.deadlines.get(row.currentExecutionId)
    return kept === undefined ? stored : Math.max(stored, kept)
  }

  /** After a restart: every processing task gets a full lease period from `now`. */
  rearm(rows: ReadonlyArray<LeaseRow>, now: number): void {
    for (const row of rows) {
      if (row.currentExecutionId === null) continue
      const period = Math.max(MIN_REARM_MS, (row.leaseUntil ?? now) - (row.startedAt ?? now))
      this.extend(row.currentExecutionId, now + period)
    }
  }

  /** Forgets executions that no longer hold a task (`processing` lists the ones that do). */
  retain(processing: ReadonlyArray<Pick<LeaseRow, 'currentExecutionId'>>): void {
    if (this.deadlines.size === 0) return
    const live = new Set(processing.map((r) => r.currentExecutionId))
    for (const executionId of this.deadlines.keys()) if (!live.has(executionId)) this.deadlines.delete(executionId)
  }
}
