import { afterAll, describe, expect, it } from 'vitest'
import { cli, removeTempDataDirs, tempDataDir } from './helpers/cli.js'

/** `livequeue enqueue` under $TRACEPARENT (the built CLI as a child process; no SDK in it). */

afterAll(removeTempDataDirs)

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'

describe('livequeue enqueue under $TRACEPARENT', () => {
  it('stores the trace context with the task, and show prints its trace id; without it, none', async () => {
    const dir = tempDataDir()
    const traced = await cli(['enqueue', 'report', '--data-dir', dir, '--json'], { TRACEPARENT, TRACESTATE: 'vendor=1' })
    expect(traced.code, traced.stderr).toBe(0)
    const task = JSON.parse(traced.stdout)
    // The CLI registers no SDK: its enqueue span is OpenTelemetry's no-op one, which carries the
    // caller's context on, so the task's executions join the caller's trace.
    expect(task).toMatchObject({ traceparent: TRACEPARENT, tracestate: 'vendor=1' })

    const shown = await cli(['show', task.id, '--data-dir', dir])
    expect(shown.code, shown.stderr).toBe(0)
    expect(shown.stdout).toMatch(/trace:\s+4bf92f3577b34da6a3ce929d0e0e4736/)

    const plain = await cli(['enqueue', 'report', '--data-dir', dir, '--json'], { TRACEPARENT: '' })
    expect(JSON.parse(plain.stdout).traceparent).toBeNull()
  })
})
