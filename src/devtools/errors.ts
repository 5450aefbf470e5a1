import * as Data from 'effect/Data'

/** `--devtools` needs packages that are only development dependencies of livequeue. */
export class DevtoolsUnavailable extends Data.TaggedError('DevtoolsUnavailable')<{ readonly missing: ReadonlyArray<string>; readonly reason: string }> {
  override get message() {
    return `LiveStore devtools need ${this.missing.join(' and ')} (${this.reason}): install them with \`npm install -D ${this.missing.map((m) => (m === 'vite' ? 'vite@7' : `${m}@0.4.0`)).join(' ')}\`, or use \`livequeue query "<SELECT …>"\` instead (read-only SQL over the same tables, no extra packages)`
  }
}

/** The devtools server did not answer (port taken, or it failed to start). */
export class DevtoolsNotAnswering extends Data.TaggedError('DevtoolsNotAnswering')<{ readonly url: string; readonly timeoutMs: number }> {
  override get message() {
    return `LiveStore devtools did not answer on ${this.url} within ${this.timeoutMs} ms: is the port taken? Pick another with --devtools-port`
  }
}
