import type { WorkerTaskRow } from '../../schema/workerTasks.js'
import { TaskStatus } from '../../schema/workerTasks.js'
import { ValidationError } from '../errors.js'
import { type QueueContext, select } from './context.js'
import { taskFromRow } from './rows.js'
import type { ListOptions, Page, Task } from './types.js'

const encodeCursor = (row: { createdAt: number; id: string }) => Buffer.from(`${row.createdAt}:${row.id}`).toString('base64url')

const decodeCursor = (cursor: string): { createdAt: number; id: string } => {
  const text = Buffer.from(cursor, 'base64url').toString()
  const sep = text.indexOf(':')
  const createdAt = Number(text.slice(0, sep))
  if (sep < 1 || !Number.isFinite(createdAt)) throw new ValidationError({ field: 'cursor', reason: 'not a cursor from a previous page' })
  return { createdAt, id: text.slice(sep + 1) }
}

/** Tasks newest first, filtered, one page at a time (keyset paging on createdAt, id). */
export const list = (ctx: QueueContext, opts: ListOptions = {}): Page<Task> => {
  const limit = opts.limit ?? 50
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ValidationError({ field: 'limit', reason: 'must be an integer 1–1000' })
  if (opts.status !== undefined && !TaskStatus.literals.includes(opts.status)) {
    throw new ValidationError({ field: 'status', reason: `must be one of ${TaskStatus.literals.join(', ')}` })
  }
  const after = opts.cursor ? decodeCursor(opts.cursor) : null
  ctx.owned.group.flush()
  const rows = select<WorkerTaskRow>(
    ctx,
    `SELECT * FROM workerTasks t
     WHERE ($status IS NULL OR t.status = $status) AND ($type IS NULL OR t.type = $type) AND ($queue IS NULL OR t.queue = $queue)
       AND ($tag IS NULL OR EXISTS (SELECT 1 FROM json_each(t.tags) WHERE value = $tag))
       AND ($afterAt IS NULL OR t.createdAt < $afterAt OR (t.createdAt = $afterAt AND t.id < $afterId))
     ORDER BY t.createdAt DESC, t.id DESC LIMIT $limit`,
    {
      status: opts.status ?? null,
      type: opts.type ?? null,
      queue: opts.queue ?? null,
      tag: opts.tag ?? null,
      afterAt: after?.createdAt ?? null,
      afterId: after?.id ?? null,
      limit: limit + 1,
    },
  )
  const items = rows.slice(0, limit).map(taskFromRow)
  const last = rows.length > limit ? rows[limit - 1] : undefined
  return { items, nextCursor: last ? encodeCursor(last) : null }
}
