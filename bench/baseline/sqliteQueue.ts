import Database from 'better-sqlite3'
import { newId } from '../../src/ids.js'
import type { BenchTask } from '../tasks.js'

/** `NORMAL` matches livequeue (survives a process crash, not power loss); `FULL` fsyncs every commit. */
export type Synchronous = 'NORMAL' | 'FULL'

export type SqliteClaim = { taskId: string; executionId: string; attempt: number; leaseUntil: number }

const LEASE_MS = 120_000

/**
 * The baseline: a plain better-sqlite3 task queue doing the same work as livequeue's hot path,
 * with the same ordering contract (pending and due, priority DESC, createdAt, id). WAL mode.
 * No event log, no executions or activity tables, no validation: the floor for one SQLite file.
 */
export class SqliteQueue {
  private readonly db: Database.Database
  private readonly insert: Database.Statement
  private readonly next: Database.Statement
  private readonly take: Database.Statement
  private readonly finish: Database.Statement
  private readonly due: Database.Statement
  private readonly insertMany: (tasks: ReadonlyArray<BenchTask>) => string[]
  private readonly claimTx: (runnerId: string, limit: number, now: number) => SqliteClaim[]

  constructor(file: string, synchronous: Synchronous) {
    this.db = new Database(file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma(`synchronous = ${synchronous}`)
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS tasks (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        priority INTEGER NOT NULL,
        status TEXT NOT NULL,
        processAfter INTEGER NOT NULL,
        createdAt INTEGER NOT NULL,
        updatedAt INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        executionId TEXT,
        runnerId TEXT,
        leaseUntil INTEGER,
        result TEXT,
        finishedAt INTEGER
      );
      CREATE INDEX IF NOT EXISTS tasks_claim ON tasks (status, priority DESC, createdAt, id);
      CREATE INDEX IF NOT EXISTS tasks_execution ON tasks (executionId);
    `)
    this.insert = this.db.prepare(
      `INSERT INTO tasks (id, type, payload, priority, status, processAfter, createdAt, updatedAt)
       VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`,
    )
    this.next = this.db.prepare(
      `SELECT id, attempts FROM tasks WHERE status = 'pending' AND processAfter <= ?
       ORDER BY priority DESC, createdAt, id LIMIT ?`,
    )
    this.take = this.db.prepare(
      `UPDATE tasks SET status = 'processing', attempts = attempts + 1, executionId = ?, runnerId = ?,
         leaseUntil = ?, updatedAt = ? WHERE id = ? AND status = 'pending'`,
    )
    this.finish = this.db.prepare(
      `UPDATE tasks SET status = 'completed', result = ?, finishedAt = ?, updatedAt = ?
       WHERE executionId = ? AND status = 'processing'`,
    )
    this.due = this.db.prepare(`SELECT min(processAfter) AS at FROM tasks WHERE status = 'pending' AND processAfter > ?`)
    const insertOne = (task: BenchTask, now: number): string => {
      const id = newId()
      this.insert.run(id, task.type, JSON.stringify(task.payload), task.priority, now + (task.delay ?? 0), now, now)
      return id
    }
    this.insertMany = this.db.transaction((tasks: ReadonlyArray<BenchTask>) => {
      const now = Date.now()
      return tasks.map((t) => insertOne(t, now))
    })
    this.claimTx = this.db.transaction((runnerId: string, limit: number, now: number) => {
      const rows = this.next.all(now, limit) as Array<{ id: string; attempts: number }>
      return rows.map((row) => {
        const executionId = newId()
        const leaseUntil = now + LEASE_MS
        this.take.run(executionId, runnerId, leaseUntil, now, row.id)
        return { taskId: row.id, executionId, attempt: row.attempts + 1, leaseUntil }
      })
    })
  }

  /** One task, one transaction (autocommit). */
  enqueue(task: BenchTask): string {
    const now = Date.now()
    const id = newId()
    this.insert.run(id, task.type, JSON.stringify(task.payload), task.priority, now + (task.delay ?? 0), now, now)
    return id
  }

  /** The earliest future `processAfter` of a pending task, or null. */
  nextDueAt(now: number): number | null {
    return (this.due.get(now) as { at: number | null }).at
  }

  /** All of `tasks` in one transaction. */
  enqueueMany(tasks: ReadonlyArray<BenchTask>): string[] {
    return this.insertMany(tasks)
  }

  /** Select the next eligible tasks and mark them processing, in one transaction. */
  claim(opts: { runnerId: string; limit?: number }): SqliteClaim[] {
    return this.claimTx(opts.runnerId, opts.limit ?? 1, Date.now())
  }

  /** processing → completed, one transaction; false if this execution no longer holds the task. */
  complete(executionId: string, result: unknown = null): boolean {
    const now = Date.now()
    return this.finish.run(JSON.stringify(result), now, now, executionId).changes === 1
  }

  countByStatus(status: string): number {
    return (this.db.prepare('SELECT count(*) AS n FROM tasks WHERE status = ?').get(status) as { n: number }).n
  }

  close(): void {
    this.db.close()
  }
}
