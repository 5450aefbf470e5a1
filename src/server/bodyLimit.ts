import * as http from 'node:http'
import { Readable } from 'node:stream'
import { apiError } from './errors.js'

export const tooLarge = (max: number) =>
  apiError(413, 'ValidationError', `invalid body: the request body is over the ${max}-byte limit`, {
    field: 'body',
    reason: `over the ${max}-byte limit; send large data by reference`,
  })

/**
 * After a 413, what the client is still sending is read and thrown away, so it reads the answer
 * instead of a reset (closing a socket with unread input sends RST, and a client busy writing
 * reports that instead of the 413), and a body that ends within the bound leaves the connection
 * usable. Past the bound the socket is closed: discarding costs no memory, but an endless body
 * must not hold a connection. 8 MiB is a 3 MiB body's rest with room; 5 s covers a client on a
 * slow link sending it.
 */
export const DRAIN_BYTES = 8 * 1024 * 1024
export const DRAIN_MS = 5_000

/** Answers 413 with the JSON error body, then drains the rest of the body up to the bound. */
const refuse = (req: http.IncomingMessage, res: http.ServerResponse, max: number, close: boolean) => {
  const body = JSON.stringify({ error: tooLarge(max).error })
  let discarded = 0
  const cut = () => req.socket.destroy()
  const timer = setTimeout(cut, DRAIN_MS)
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length
    if (discarded > DRAIN_BYTES) cut()
  })
  req.once('close', () => clearTimeout(timer))
  req.on('error', () => {}) // the client went away: nothing left to answer
  req.resume()
  // A client that sent `Connection: close` would otherwise have the socket closed as soon as
  // the 413 is flushed, with its body still arriving: the RST this sends made the test client
  // fail with EPIPE after 3.8 of 64 MiB. Kept open, the socket closes at the bound or when the
  // client closes it after reading the answer.
  if (!close) res.shouldKeepAlive = true
  res.writeHead(413, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(close ? { connection: 'close' } : {}) })
  res.end(body)
}

/**
 * The request as @effect/platform reads it (url, method, headers, socket, and the body stream),
 * with a body already read in full. `complete` keeps a `destroy()` of it from reaching the socket.
 */
const withBody = (req: http.IncomingMessage, body: Buffer): http.IncomingMessage => {
  const copy = new Readable({ read() {} })
  copy.push(body)
  copy.push(null)
  const { headers, rawHeaders, method, url, httpVersion, socket } = req
  return Object.assign(copy, { headers, rawHeaders, method, url, httpVersion, socket, connection: socket, complete: true }) as unknown as http.IncomingMessage
}

/**
 * Node's http server with the request body capped before the HTTP framework sees the request.
 * @effect/platform-node reads a body up to its limit and then destroys the request, which resets
 * the connection: a chunked body (no Content-Length) over the limit got ECONNRESET, never a 413.
 * Here: a Content-Length over the limit is answered 413 at once (also instead of
 * `100 Continue`); a chunked body is read here, at most `maxBodyBytes` of it held, and handed on
 * whole, or answered 413 as soon as it passes the limit. Bodies with a Content-Length within the
 * limit go through untouched (Node's parser stops at that length).
 */
export class BodyLimitServer extends http.Server {
  constructor(private readonly maxBodyBytes: number) {
    super()
    // With a listener, Node hands `Expect: 100-continue` requests here instead of answering 100 itself.
    this.on('checkContinue', () => {})
  }

  override emit(event: string | symbol, ...args: any[]): boolean {
    if (event !== 'request' && event !== 'checkContinue') return super.emit(event as string, ...args)
    const [req, res] = args as [http.IncomingMessage, http.ServerResponse]
    const max = this.maxBodyBytes
    const declared = req.headers['content-length']
    if (declared !== undefined && Number(declared) > max) {
      // Refused before `100 Continue`: the client sends nothing more, so close rather than wait.
      refuse(req, res, max, event === 'checkContinue')
      return true
    }
    if (event === 'checkContinue') res.writeContinue()
    if (req.headers['transfer-encoding'] === undefined) return super.emit('request', req, res)

    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= max) {
        chunks.push(chunk)
        return
      }
      req.off('data', onData)
      req.off('end', onEnd)
      chunks.length = 0
      refuse(req, res, max, false)
    }
    const onEnd = () => super.emit('request', withBody(req, Buffer.concat(chunks, size)), res)
    req.on('data', onData)
    req.once('end', onEnd)
    req.on('error', () => {}) // the client went away mid-body: nothing to answer
    return true
  }
}
