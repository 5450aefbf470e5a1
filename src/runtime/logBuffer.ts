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
  /** Per execution: the last seq handed out, and its pending lines (oldest first, from `head`) with their bytes. */
  private readonly executions = new Map<string, { seq: number; pending: Pending[]; head: number; bytes: number }>()
  private pendingLines = 0
  private timer: NodeJS.Timeout | null = null
  private lastSentAt = Number.NEGATIVE_INFINITY
  private readonly sending = new Set<Promise<void>>()
  /** Lines logged so far, and lines sent (or dropped) so far: `flush` waits until the second reaches the first as it was. */
  private logged = 0
  private settled = 0
  private flushes = 0

  constructor(
    private readonly send: (lines: LoggedLine[]) => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
    private readonly opts: {
      /** (Default: 1 s) */
      intervalMs?: number
      /**
       * One send at a time (a remote worker): while the host is unreachable, lines wait here,
       * bounded per execution, instead of piling up in retried requests. (Default: false: in
       * process every send joins the open group commit at once, ahead of the final report.)
       */
      serial?: boolean
      now?: () => number
    } = {},
  ) {}

  private get intervalMs(): number {
    return this.opts.intervalMs ?? DEFAULT_LOG_FLUSH_MS
  }

  private now(): number {
    return (this.opts.now ?? Date.now)()
  }

  /** Starts numbering an execution's lines. */
  open(executionId: string): void {
    if (!this.executions.has(executionId)) this.executions.set(executionId, { seq: 0, pending: [], head: 0, bytes: 0 })
  }

  /** Buffers one line. Throws a ValidationError for `fields` that are not a JSON object within 16 KiB. */
  log(executionId: string, message: string, fields?: Record<string, unknown>): void {
    const exec = this.executions.get(executionId)
    const line = checkLogLine({ executionId, seq: (exec?.seq ?? 0) + 1, at: this.now(), message: String(message), fields }, 'log')
    if (exec === undefined) return // the execution is over: nothing of it is kept any more
    exec.seq = line.seq
    const bytes = logLineBytes(line)
    exec.pending.push({ line, bytes })
    exec.bytes += bytes
    this.pendingLines += 1
    this.logged += 1
    // Over what the store would keep: its oldest pending lines go (the gap in seq counts them).
    while (exec.pending.length - exec.head > MAX_LOG_LINES_PER_EXECUTION || exec.bytes > MAX_LOG_BYTES_PER_EXECUTION) {
      exec.bytes -= (exec.pending[exec.head] as Pending).bytes
      exec.head += 1
      this.pendingLines -= 1
      this.settled += 1
    }
    if (exec.head > 1_024 && exec.head * 2 > exec.pending.length) {
      exec.pending = exec.pending.slice(exec.head)
      exec.head = 0
    }
    this.schedule()
  }

  /**
   * Sends every buffered line now (in process: synchronously into the open group commit);
   * resolves once every line logged before the call is persisted (failures go to `onError`).
   */
  flush(): Promise<void> {
    const target = this.logged
    this.flushes += 1
    this.sendPending()
    const wait = async () => {
      while (this.settled < target) {
        if (this.sending.size === 0) this.sendPending()
        if (this.sending.size === 0) return
        await Promise.race([...this.sending])
      }
    }
    return wait().finally(() => {
      this.flushes -= 1
    })
  }

  /** The execution is over: lines logged after this are not kept. */
  close(executionId: string): void {
    const exec = this.executions.get(executionId)
    if (exec !== undefined && exec.pending.length > exec.head) this.sendPending()
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

  private sendPending(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    if (this.pendingLines === 0) return
    if (this.opts.serial && this.sending.size > 0) return // sent when the send under way ends
    const all: Pending[] = []
    for (const exec of this.executions.values()) {
      for (let i = exec.head; i < exec.pending.length; i++) all.push(exec.pending[i] as Pending)
      exec.pending = []
      exec.head = 0
      exec.bytes = 0
    }
    this.pendingLines = 0
    this.lastSentAt = this.now()
    const chunks: LoggedLine[][] = []
    for (let i = 0; i < all.length; ) {
      const chunk: LoggedLine[] = []
      let bytes = 0
      while (i < all.length && chunk.length < MAX_SEND_LINES && (chunk.length === 0 || bytes + (all[i] as Pending).bytes <= MAX_SEND_BYTES)) {
        const p = all[i++] as Pending
        chunk.push(p.line)
        bytes += p.bytes + 100
      }
      chunks.push(chunk)
    }
    const sendOne = (chunk: LoggedLine[]): Promise<void> =>
      this.send(chunk).then(
        () => {
          this.settled += chunk.length
        },
        (error) => {
          this.settled += chunk.length
          this.onError(error)
        },
      )
    const rounds = this.opts.serial
      ? [chunks.reduce<Promise<void>>((previous, chunk) => previous.then(() => sendOne(chunk)), Promise.resolve())]
      : chunks.map(sendOne)
    for (const sent of rounds) {
      this.sending.add(sent)
      void sent.finally(() => {
        this.sending.delete(sent)
        // Lines that came while a serial send was under way: at once for a waiting flush, else on the timer.
        if (this.pendingLines === 0) return
        if (this.flushes > 0) this.sendPending()
        else this.schedule()
      })
    }
  }
}
