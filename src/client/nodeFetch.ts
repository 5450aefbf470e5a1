import * as http from 'node:http'
import * as https from 'node:https'
import type { JsonFetch } from './http.js'

/**
 * A `JsonFetch` on node:http(s), for the CLI: the global fetch (undici) costs ~0.1 s of CPU to
 * load and start, a third of a whole `livequeue list` through a host (bench/README.md, "Quick
 * CLI"). Only what a JSON request needs: a text body each way, an abort signal, no redirects.
 * Fails as fetch does, with the socket error as `cause` (http.ts reads its code).
 */
export const nodeFetch: JsonFetch = (url, init) =>
  new Promise((resolve, reject) => {
    const { signal } = init
    if (signal?.aborted) return reject(new TypeError('fetch failed', { cause: signal.reason }))
    let target: URL
    try {
      target = new URL(url)
    } catch (error) {
      return reject(new TypeError('fetch failed', { cause: error }))
    }
    const request = (target.protocol === 'https:' ? https : http).request(target, { method: init.method, headers: init.headers })
    const abort = () => request.destroy(signal?.reason)
    signal?.addEventListener('abort', abort, { once: true })
    const settle = () => signal?.removeEventListener('abort', abort)
    const failed = (cause: unknown) => {
      settle()
      reject(new TypeError('fetch failed', { cause }))
    }
    request.on('error', failed)
    request.on('response', (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', failed)
      response.on('close', () => {
        if (!response.complete) failed(new Error('the connection closed before the whole answer came'))
      })
      response.on('end', () => {
        settle()
        const status = response.statusCode ?? 0
        const text = Buffer.concat(chunks).toString('utf8')
        resolve({ ok: status >= 200 && status < 300, status, text: async () => text })
      })
    })
    request.end(init.body)
  })
