import type { Worker } from './types.js'

const time = () => new Date().toISOString().slice(11, 23)
const short = (id: string) => id.slice(-12)
const reason = (error: unknown) => (error as Error)?.message ?? String(error)

/**
 * One line per thing an operator of a worker process wants to see (the host prints the full
 * activity stream; a remote worker prints what it ran and how it went): task starts, log lines and ends,
 * outages of the host, shutdown. Returns a function that stops the lines.
 */
export const logWorker = (worker: Worker, write: (line: string) => void, opts: { tasks?: boolean } = {}): (() => void) => {
  const line = (kind: string, type: string, id: string, text: string) => write(`${time()}  ${kind.padEnd(12)} ${type.padEnd(14)} ${short(id)}  ${text}`)
  const off = [
    worker.on('worker:disconnected', (e) => write(`${time()}  host unreachable (${reason(e.error)}); retrying with backoff, running tasks keep running`)),
    worker.on('worker:reconnected', (e) => write(`${time()}  host is back after ${(e.downMs / 1000).toFixed(1)} s`)),
    worker.on('worker:error', (e) => write(`${time()}  error during ${e.during}: ${reason(e.error)}`)),
    worker.on('worker:fatalError', (e) => write(`${time()}  fatal: ${reason(e.error)}; stopping`)),
    worker.on('worker:stop', () => write(`${time()}  stopped`)),
  ]
  if (opts.tasks !== false) {
    off.push(
      worker.on('task:start', (e) => line('started', e.task.type, e.task.id, `attempt ${e.attempt}`)),
      // ctx.log lines are kept on the host (`livequeue logs ID`); the worker's operator sees them here too.
      worker.on('task:log', (e) => line('log', e.task.type, e.task.id, e.message.replace(/\p{Cc}+/gu, ' '))),
      worker.on('task:success', (e) => line('completed', e.task.type, e.task.id, `in ${e.durationMs} ms`)),
      worker.on('task:error', (e) => line('failed', e.task.type, e.task.id, `${reason(e.error)}${e.willRetry ? ' (will retry)' : ''}`)),
      worker.on('task:cancelled', (e) => line('cancelled', e.task.type, e.task.id, 'handler stopped')),
      worker.on('task:interrupted', (e) => line('interrupted', e.task.type, e.task.id, 'given back (shutdown)')),
      worker.on('task:ignored', (e) => line('ignored', e.task.type, e.task.id, `the host no longer held this execution; its ${e.report} was ignored`)),
      worker.on('task:escalated', (e) => line('escalated', e.task.type, e.task.id, `→ ${e.toType} ${short(e.toTaskId)}`)),
    )
  }
  return () => {
    for (const f of off) f()
  }
}
