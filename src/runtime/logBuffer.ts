import type { LoggedLine } from '../../events/logs.js'
import { MAX_LOG_BYTES_PER_EXECUTION, MAX_LOG_LINES_PER_EXECUTION } from '../limits.js'
import { checkLogLine, logLineBytes } from '../queue/logLines.js'

/** How often a worker sends its buffered lines. (Default: 1 s) */
export const DEFAULT_LOG_FLUSH_MS = 1_000
/** One send carries at most about this much line JSON (the host's request body cap is 2 MiB). */
const MAX_SEND_BYTES = 512 * 1024
const MAX_SEND_LINES = 5_000

type Pending = { line: LoggedLine; bytes: number }

/**
 * A worker's `ctx.log` lines on their way to the store (issue 15). Logs are chatty and each
 * LiveStore commit costs ~9 ms of CPU and each event ~1 ms (docs/design.md, fact 10), so the
 * lines of ALL this worker's executions are sent together as one batch (one event) at most about
 * once per `intervalMs`, and `flush()` sends what is buffered before an execution's final report.
 *
 * Each execution's lines are numbered from 1 (`seq`); while a send is slow (a host restarting),
 * an execution keeps at most what the store would keep (its newest 1,000 lines, 256 KiB) and
 * drops its oldest, so the gap in `seq` says how many were dropped.
 */
export class LogBuffer {
  private pending: Pending[] = []
  /** Per execution: the last seq handed out, and the lines and bytes it has pending. */
  private readonly executions = new Map<string, { seq: number; lines: number; bytes: number }>()
  private timer: NodeJS.Timeout | null = null
  private lastSentAt = Number.NEGATIVE_INFINITY
  private readonly sending = new Set<Promise<void>>()

  constructor(
    private readonly send: (lines: LoggedLine[]) => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
    private readonly intervalMs = DEFAULT_LOG_FLUSH_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts numbering an execution's lines. */
  open(executionId: string): void {
    if (!this.executions.has(executionId)) this.executions.set(executionId, { seq: 0, lines: 0, bytes: 0 })
  }

  /** Buffers one line. Throws a ValidationError for `fields` that are not a JSON object within 16 KiB. */
  log(executionId: string, message: string, fields?: Record<string, unknown>): void {
    const line = checkLogLine({ executionId, seq: 1, at: this.now(), message: String(message), fields }, 'log')
    const exec = this.executions.get(executionId)
    if (exec === undefined) return // the execution is over: nothing of it is kept any more
    exec.seq += 1
    const bytes = logLineBytes(line)
    this.pending.push({ line: { ...line, seq: exec.seq }, bytes })
    exec.lines += 1
    exec.bytes += bytes
    if (exec.lines > MAX_LOG_LINES_PER_EXECUTION || exec.bytes > MAX_LOG_BYTES_PER_EXECUTION) this.trim(executionId, exec)
    this.schedule()
  }

  /** Sends every buffered line now; resolves once every send so far is persisted (failures go to `onError`). */
  flush(): Promise<void> {
    this.sendPending()
    return Promise.all([...this.sending]).then(() => {})
  }

  /** The execution is over: lines logged after this are not kept. */
  close(executionId: string): void {
    this.executions.delete(executionId)
  }

  /** Sends what is left and stops the timer. */
  async dispose(): Promise<void> {
    await this.flush()
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  private schedule(): void {
    if (this.timer !== null) return
    const wait = Math.max(0, this.lastSentAt + this.intervalMs - this.now())
    this.timer = setTimeout(() => {
      this.timer = null
      this.sendPending()
    }, wait)
  }

  /** Drops the execution's oldest pending lines until what it has pending is within the bound. */
  private trim(executionId: string, exec: { lines: number; bytes: number }): void {
    const kept: Pending[] = []
    for (const p of this.pending) {
      if (p.line.executionId === executionId && (exec.lines > MAX_LOG_LINES_PER_EXECUTION || exec.bytes > MAX_LOG_BYTES_PER_EXECUTION)) {
        exec.lines -= 1
        exec.bytes -= p.bytes
      } else kept.push(p)
    }
    this.pending = kept
  }

  private sendPending(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    if (this.pending.length === 0) return
    const all = this.pending
    this.pending = []
    for (const exec of this.executions.values()) {
      exec.lines = 0
      exec.bytes = 0
    }
    this.lastSentAt = this.now()
    for (let i = 0; i < all.length; ) {
      const chunk: LoggedLine[] = []
      let bytes = 0
      while (i < all.length && chunk.length < MAX_SEND_LINES && (chunk.length === 0 || bytes + (all[i] as Pending).bytes <= MAX_SEND_BYTES)) {
        const p = all[i++] as Pending
        chunk.push(p.line)
        bytes += p.bytes + 100
      }
      const sent: Promise<void> = this.send(chunk).then(
        () => {},
        (error) => this.onError(error),
      )
      this.sending.add(sent)
      void sent.finally(() => this.sending.delete(sent))
    }
  }
}
