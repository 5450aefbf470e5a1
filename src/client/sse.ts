/**
 * A text/event-stream parser (the WHATWG rules livequeue's stream needs: `id`, `event`, `data`,
 * comments, any line ending), fed chunk by chunk from fetch's body. Node 20 has no EventSource,
 * and EventSource could not send the bearer token anyway.
 */

export type SseEvent = { id: string | undefined; event: string; data: string }

export const sseParser = (onEvent: (event: SseEvent) => void) => {
  let buffer = ''
  let id: string | undefined
  let event = ''
  let data: string[] = []

  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) onEvent({ id, event: event || 'message', data: data.join('\n') })
      event = ''
      data = []
      id = undefined
      return
    }
    if (text.startsWith(':')) return // a comment (the host's keepalive)
    const colon = text.indexOf(':')
    const field = colon === -1 ? text : text.slice(0, colon)
    let value = colon === -1 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') data.push(value)
    else if (field === 'event') event = value
    else if (field === 'id') id = value
  }

  return {
    push(chunk: string) {
      buffer += chunk
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer)
        // A lone \r at the end may be the first half of \r\n: wait for the next chunk.
        if (match === null || (match[0] === '\r' && match.index === buffer.length - 1)) return
        line(buffer.slice(0, match.index))
        buffer = buffer.slice(match.index + match[0].length)
      }
    },
  }
}

/** Reads a fetch body to its end, feeding the parser; resolves when the host closes the stream. */
export const readSse = async (body: ReadableStream<Uint8Array>, onEvent: (event: SseEvent) => void, onChunk: () => void = () => {}): Promise<void> => {
  const parser = sseParser(onEvent)
  const decoder = new TextDecoder()
  const reader = body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      onChunk()
      parser.push(decoder.decode(value, { stream: true }))
    }
  } finally {
    reader.releaseLock()
  }
}
