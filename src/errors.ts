import * as Data from 'effect/Data'

/**
 * Every expected failure is a tagged error with the fields a caller needs and a message that
 * says what to fix. A refused call writes nothing.
 */

/** The input was rejected before anything was written. `field` names what to fix. */
export class ValidationError extends Data.TaggedError('ValidationError')<{ readonly field: string; readonly reason: string }> {
  override get message() {
    return `invalid ${this.field}: ${this.reason}`
  }
}

export class TaskNotFound extends Data.TaggedError('TaskNotFound')<{ readonly taskId: string }> {
  override get message() {
    return `no task with id ${this.taskId} (check the id with \`livequeue list\`)`
  }
}

export class ExecutionNotFound extends Data.TaggedError('ExecutionNotFound')<{ readonly executionId: string }> {
  override get message() {
    return `no execution with id ${this.executionId}`
  }
}

/** The task is in a state the operation does not apply to. */
export class InvalidTransition extends Data.TaggedError('InvalidTransition')<{
  readonly taskId: string
  readonly from: string
  readonly action: string
  readonly allowedFrom: ReadonlyArray<string>
}> {
  override get message() {
    return `cannot ${this.action} task ${this.taskId}: it is ${this.from}; ${this.action} applies to ${orList(this.allowedFrom)} tasks`
  }
}

export class DependencyCycle extends Data.TaggedError('DependencyCycle')<{ readonly path: ReadonlyArray<string> }> {
  override get message() {
    return `dependsOn would make a cycle: ${this.path.join(' → ')}; remove one of these dependencies`
  }
}

export class ScheduleNotFound extends Data.TaggedError('ScheduleNotFound')<{ readonly name: string }> {
  override get message() {
    return `no schedule named ${this.name} (see \`livequeue schedule list\`)`
  }
}

/** Another live process owns the data directory (docs/design.md, fact 2: one process per store directory). */
export class StoreLocked extends Data.TaggedError('StoreLocked')<{
  readonly dataDir: string
  readonly pid: number
  readonly url: string | null
}> {
  override get message() {
    return `the data dir ${this.dataDir} is owned by process ${this.pid}${this.url ? ` (serving ${this.url})` : ''}; stop it, or go through its API, or use another --data-dir`
  }
}

/** The queue was closed; no more operations are accepted. */
export class QueueClosed extends Data.TaggedError('QueueClosed')<{}> {
  override get message() {
    return 'the queue is closed'
  }
}

export type QueueError =
  | ValidationError
  | TaskNotFound
  | ExecutionNotFound
  | ScheduleNotFound
  | InvalidTransition
  | DependencyCycle
  | StoreLocked
  | QueueClosed
  | WaitTimedOut
  | StorageUnavailable
  | StoreCorrupt
  | StoreOpenFailed
  | NotClaimant

/** `wait(id, { timeoutMs })` gave up; the task goes on. */
export class WaitTimedOut extends Data.TaggedError('WaitTimedOut')<{ readonly taskId: string; readonly timeoutMs: number }> {
  override get message() {
    return `task ${this.taskId} did not finish within ${this.timeoutMs} ms (it keeps running; wait again or raise the timeout)`
  }
}

/** "a", "a or b", "a, b or c". */
const orList = (items: ReadonlyArray<string>) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`)

/**
 * The store cannot take writes now (the disk is full or failed, or the store is being reopened
 * after such a fault). Nothing in the refused call was acknowledged or applied; reads keep working,
 * and writes resume by themselves once the cause is gone (docs/design.md, "Storage faults").
 */
export class StorageUnavailable extends Data.TaggedError('StorageUnavailable')<{ readonly reason: string }> {
  override get message() {
    return `the store cannot take writes now: ${this.reason}; nothing of this call was written; writes resume by themselves once the store is reopened (free disk space if it is full)`
  }
}

/**
 * A worker reported on (completed, failed, heartbeat, progress) an execution another runner
 * claimed. Refused and nothing is written: only the claimant may report. (Its own late report,
 * after its lease expired, is still recorded as ignored: that one is the fencing token's job.)
 */
export class NotClaimant extends Data.TaggedError('NotClaimant')<{
  readonly executionId: string
  readonly runnerId: string
  readonly claimedBy: string
}> {
  override get message() {
    return `execution ${this.executionId} was claimed by runner ${this.claimedBy}, not ${this.runnerId}; only the runner that claimed it may report on it`
  }
}

/**
 * The store's files on disk disagree or cannot be read, found before LiveStore opened them
 * (src/store/integrity.ts). Nothing was opened or changed; `recovery` says what to do.
 */
export class StoreCorrupt extends Data.TaggedError('StoreCorrupt')<{
  readonly dataDir: string
  readonly files: ReadonlyArray<string>
  readonly problem: string
  readonly recovery: string
}> {
  override get message() {
    return `the store in ${this.dataDir} is damaged, so it was not opened (nothing was changed): ${this.problem}. To recover: ${this.recovery}`
  }
}

/** LiveStore failed to open store files that passed the integrity check. */
export class StoreOpenFailed extends Data.TaggedError('StoreOpenFailed')<{
  readonly dataDir: string
  readonly files: ReadonlyArray<string>
  readonly reason: string
}> {
  override get message() {
    return `LiveStore could not open the store in ${this.dataDir} (${this.files.join(', ')}): ${this.reason}; check that the directory is writable and that these files are this store's (restore them from a backup if not)`
  }
}
