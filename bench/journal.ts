import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { QueuedTask } from '../events/task.js'
import { Journal } from '../src/store/journal.js'

/**
 * What the write-ahead journal adds to a group commit (docs/design.md, "Durability"): one
 * synchronous append of the commit's events as a JSON line, for commits of 1, 10 and 100 queued
 * tasks (200-byte payloads). Compare with LiveStore's own ~9 ms per commit and ~1.1 ms per event.
 *
 *   node dist/bench/journal.js
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livequeue-journal-'))
const task = (i: number): QueuedTask => ({
  id: `01a22f1e-0cc5-7933-8169-${String(i).padStart(12, '0')}`,
  type: 'summarize',
  queue: 'default',
  payload: { text: 'x'.repeat(200) },
  priority: 5,
  processAfter: Date.now(),
  createdAt: Date.now(),
  maxAttempts: 3,
  backoff: { strategy: 'exponential', baseMs: 1000, factor: 2, maxMs: 3_600_000, jitter: false },
  timeoutMs: null,
  dependsOn: [],
  idempotencyKey: null,
  tags: [],
  metadata: {},
  escalatedFrom: null,
  createdBy: null,
})
for (const sync of [false, true]) {
  const journal = Journal.open(path.join(dir, `bench-${sync}.journal`), { sync })
  const appends = sync ? 300 : 2_000
  for (const size of [1, 10, 100]) {
    const events = [{ name: 'v1.TasksQueued', args: { tasks: Array.from({ length: size }, (_, i) => task(i)) } }]
    const t0 = performance.now()
    for (let i = 0; i < appends; i++) journal.append({ firstSeq: i + 1, events })
    const ms = (performance.now() - t0) / appends
    process.stdout.write(
      `${sync ? 'fdatasync' : 'no sync  '} ${size} task(s) per commit: ${(ms * 1000).toFixed(0)} µs per append, ${((ms * 1000) / size).toFixed(1)} µs per task\n`,
    )
    journal.dropThrough(Number.MAX_SAFE_INTEGER)
  }
  journal.close()
}
fs.rmSync(dir, { recursive: true, force: true })
