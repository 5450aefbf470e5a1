import type { TaskLogs } from '../../../src/queue/logTypes.js'
import type { ActivityEntry, Page, Stats, Task } from '../../../src/queue/types.js'
import type { Runner } from '../../../src/queue/runners.js'
import type { Throughput } from '../../../src/queue/throughput.js'
import type { Schedule } from '../../../src/scheduler/types.js'
import type { RateLimit } from '../../../src/shapes/rateLimit.js'
import { getToken } from './session.js'

export type { ActivityEntry, Page, RateLimit, Runner, Schedule, Stats, Task, TaskLogs, Throughput }
export type Role = 'admin' | 'producer' | 'worker' | 'viewer'
export type WhoAmI = { name: string | null; role: Role; tokens: boolean }

/** The host's `{ error: { _tag, message } }` answer, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly tag: string,
    message: string,
  ) {
    super(message)
  }
}

export const authHeaders = (): Record<string, string> => {
  const token = getToken()
  return token ? { authorization: `Bearer ${token}` } : {}
}

/** Drops undefined and empty values, so a filter left blank is not sent. */
export const withQuery = (path: string, query: Record<string, string | number | undefined>): string => {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v))
  const s = params.toString()
  return s ? `${path}?${s}` : path
}

export const request = async <T>(method: string, path: string, signal?: AbortSignal): Promise<T> => {
  let response: Response
  try {
    response = await fetch(path, { method, headers: authHeaders(), ...(signal ? { signal } : {}) })
  } catch (error) {
    throw new ApiError(0, 'NetworkError', `the host cannot be reached (${(error as Error).message})`)
  }
  const body = await response.json().catch(() => null)
  if (!response.ok) {
    const e = (body as { error?: { _tag?: string; message?: string } } | null)?.error
    throw new ApiError(response.status, e?._tag ?? 'HttpError', e?.message ?? `HTTP ${response.status}`)
  }
  return body as T
}

export const api = {
  whoami: () => request<WhoAmI>('GET', '/api/whoami'),
  stats: () => request<Stats>('GET', '/api/stats'),
  runners: async () => (await request<{ items: Runner[] }>('GET', '/api/runners')).items,
  schedules: async () => (await request<{ items: Schedule[] }>('GET', '/api/schedules')).items,
  limits: async () => (await request<{ items: RateLimit[] }>('GET', '/api/limits')).items,
  /** Lifts a rate limit and any pause on it (admin). */
  clearLimit: (limit: Pick<RateLimit, 'scope' | 'name'>) =>
    request<{ cleared: true }>('DELETE', `/api/limits/${limit.scope}/${encodeURIComponent(limit.name)}`),
  throughput: (minutes = 60) => request<Throughput>('GET', withQuery('/api/throughput', { minutes })),
  task: (id: string) => request<Task>('GET', `/api/tasks/${encodeURIComponent(id)}`),
  tasks: (query: { status?: string; queue?: string; type?: string; limit?: number; cursor?: string | undefined }) =>
    request<Page<Task>>('GET', withQuery('/api/tasks', query)),
  activity: async (query: { before?: number; limit?: number; queue?: string; type?: string; kind?: string; taskId?: string }) =>
    (await request<{ items: ActivityEntry[] }>('GET', withQuery('/api/activity', query))).items,
  /** The task's kept log lines after `after`; with waitMs, a long-poll answered when a line is kept or the task finishes. */
  logs: (id: string, query: { after: number; waitMs?: number; limit?: number }, signal?: AbortSignal) =>
    request<TaskLogs>('GET', withQuery(`/api/tasks/${encodeURIComponent(id)}/logs`, query), signal),
  retry: (id: string) => request<Task>('POST', `/api/tasks/${encodeURIComponent(id)}/retry`),
  cancel: (id: string) => request<Task>('POST', `/api/tasks/${encodeURIComponent(id)}/cancel`),
}

/** What a role may do to a task here (the host enforces it; the page only hides what would be refused). */
export const mayChange = (who: WhoAmI, task: Pick<Task, 'createdBy'>): boolean =>
  who.role === 'admin' || (who.role === 'producer' && who.name !== null && task.createdBy === who.name)
