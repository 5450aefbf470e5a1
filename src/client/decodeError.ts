import {
  DependencyCycle,
  ExecutionNotFound,
  InvalidTransition,
  NotClaimant,
  QueueClosed,
  StorageUnavailable,
  StoreLocked,
  TaskNotFound,
  ValidationError,
  WaitTimedOut,
} from '../errors.js'
import { QueryTimedOut } from '../query/errors.js'
import { Forbidden, RemoteError, Unauthorized } from './errors.js'

/**
 * An error answer (`{ error: { _tag, message, ...fields } }`) back into the library's tagged error
 * class, rebuilt from its fields so its message, fields and JSON are the same as in process: the
 * CLI prints the same thing through either transport. When the fields a class needs are missing
 * (or the tag is unknown), the answer is kept as a `RemoteError` with the host's tag and message.
 */

type Fields = Record<string, unknown>

const str = (v: unknown): v is string => typeof v === 'string'
const num = (v: unknown): v is number => typeof v === 'number'
const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every(str)

/** Per tag: the library error rebuilt from the answer's fields, or undefined when they do not fit. */
const BUILDERS: Record<string, (f: Fields) => Error | undefined> = {
  ValidationError: (f) => (str(f.field) && str(f.reason) ? new ValidationError({ field: f.field, reason: f.reason }) : undefined),
  TaskNotFound: (f) => (str(f.taskId) ? new TaskNotFound({ taskId: f.taskId }) : undefined),
  ExecutionNotFound: (f) => (str(f.executionId) ? new ExecutionNotFound({ executionId: f.executionId }) : undefined),
  InvalidTransition: (f) =>
    str(f.taskId) && str(f.from) && str(f.action) && strings(f.allowedFrom)
      ? new InvalidTransition({ taskId: f.taskId, from: f.from, action: f.action, allowedFrom: f.allowedFrom })
      : undefined,
  NotClaimant: (f) =>
    str(f.executionId) && str(f.runnerId) && str(f.claimedBy)
      ? new NotClaimant({ executionId: f.executionId, runnerId: f.runnerId, claimedBy: f.claimedBy })
      : undefined,
  DependencyCycle: (f) => (strings(f.path) ? new DependencyCycle({ path: f.path }) : undefined),
  StoreLocked: (f) => (str(f.dataDir) && num(f.pid) ? new StoreLocked({ dataDir: f.dataDir, pid: f.pid, url: str(f.url) ? f.url : null }) : undefined),
  QueueClosed: () => new QueueClosed(),
  QueryTimedOut: (f) => (num(f.timeoutMs) ? new QueryTimedOut({ timeoutMs: f.timeoutMs }) : undefined),
  StorageUnavailable: (f) => (str(f.reason) ? new StorageUnavailable({ reason: f.reason }) : undefined),
  WaitTimedOut: (f) => (str(f.taskId) && num(f.timeoutMs) ? new WaitTimedOut({ taskId: f.taskId, timeoutMs: f.timeoutMs }) : undefined),
}

/** The error for an HTTP answer with status ≥ 400 and its (parsed, if JSON) body. */
export const decodeError = (url: string, status: number, body: unknown): Error => {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined
  const fields: Fields = typeof error === 'object' && error !== null ? (error as Fields) : {}
  const tag = str(fields._tag) ? fields._tag : undefined
  const message = str(fields.message) && fields.message !== '' ? fields.message : `HTTP ${status} from ${url}`
  // Auth refusals by status: whatever the host calls them, the caller needs to know it was auth.
  const reason = str(fields.reason) ? fields.reason : message
  if (status === 401) return new Unauthorized({ url, reason })
  if (status === 403) return new Forbidden({ url, reason })
  const rebuilt = tag === undefined ? undefined : BUILDERS[tag]?.(fields)
  if (rebuilt) return rebuilt
  const { _tag: _, message: __, ...rest } = fields
  return new RemoteError({ ...rest, _tag: tag ?? 'HttpError', message, status })
}
