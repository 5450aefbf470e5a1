import { QueueClosed, ValidationError } from '../errors.js'
import { decodeError } from './decodeError.js'
import { HostUnreachable } from './errors.js'

/** The HTTP methods the API uses. */
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

/**
 * One JSON request to the host over the global fetch: the bearer token, the body as JSON, and
 * every failure as a tagged error (an error answer decoded, a dead connection as HostUnreachable).
 */

export type Query = Record<string, string | number | boolean | null | undefined>

/**
 * What a JSON request needs of fetch. The global fetch is one; the CLI passes `nodeFetch`
 * (nodeFetch.ts), which loads in a fraction of its time.
 */
export type JsonFetch = (
  url: string,
  init: { method: Method; headers: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>

export type RequestOptions = { body?: unknown; query?: Query; signal?: AbortSignal; headers?: Record<string, string>; fetch?: JsonFetch | undefined }

/** `http://host:port/` → `http://host:port` (paths are appended with their leading slash). */
export const baseUrl = (url: string): string => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new ValidationError({ field: 'url', reason: `"${url}" is not a URL; give one like http://127.0.0.1:7420` })
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ValidationError({ field: 'url', reason: `"${url}" is not an http:// or https:// URL` })
  }
  return parsed.toString().replace(/\/+$/, '')
}

export const withQuery = (path: string, query: Query = {}): string => {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null) params.set(key, String(value))
  const text = params.toString()
  return text === '' ? path : `${path}?${text}`
}

/** Why fetch threw, in words: undici hides the socket error's code in `cause`. */
const networkReason = (error: unknown): string => {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause
  const code = typeof cause?.code === 'string' ? cause.code : undefined
  if (code === 'ECONNREFUSED') return 'connection refused'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name not found'
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset'
  if (code !== undefined) return code
  const message = typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error)
  // fetch refuses the ports browsers block (1, 9, 25, 6000, …) before connecting.
  return message === 'bad port' ? 'fetch refuses this port; serve on another one' : message
}

/** fetch, with a thrown network error turned into HostUnreachable and our own abort into QueueClosed. */
export const send = async (base: string, init: RequestInit & { url: string }): Promise<Response> => sendWith(fetch, base, init)

const sendWith = async <I extends { url: string; signal?: AbortSignal | null }, R>(
  fetchWith: (url: string, init: I) => Promise<R>,
  base: string,
  init: I,
): Promise<R> => {
  try {
    return await fetchWith(init.url, init)
  } catch (error) {
    if (init.signal?.aborted) throw new QueueClosed()
    throw new HostUnreachable({ url: base, reason: networkReason(error) })
  }
}

export const headers = (token: string | undefined, json: boolean): Record<string, string> => ({
  accept: json ? 'application/json' : 'text/event-stream',
  ...(json ? { 'content-type': 'application/json' } : {}),
  ...(token ? { authorization: `Bearer ${token}` } : {}),
})

/** Sends `method path` and resolves with the parsed JSON answer, or throws the decoded error. */
export const requestJson = async <T>(base: string, token: string | undefined, method: Method, path: string, opts: RequestOptions = {}): Promise<T> => {
  const fetchJson: JsonFetch = opts.fetch ?? fetch
  const response = await sendWith(fetchJson, base, {
    url: `${base}${withQuery(path, opts.query)}`,
    method,
    headers: opts.headers ? { ...headers(token, true), ...opts.headers } : headers(token, true),
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  })
  let text: string
  try {
    text = await response.text()
  } catch (error) {
    if (opts.signal?.aborted) throw new QueueClosed()
    throw new HostUnreachable({ url: base, reason: networkReason(error) })
  }
  let body: unknown = text
  try {
    body = text === '' ? null : JSON.parse(text)
  } catch {
    // Not JSON (a proxy's error page): decodeError falls back to the status.
  }
  if (!response.ok) throw decodeError(base, response.status, body)
  return body as T
}
