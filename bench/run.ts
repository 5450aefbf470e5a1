import { parseArgs } from 'node:util'
import type { Synchronous } from './baseline/sqliteQueue.js'
import { openSqliteBaseline } from './baseline/subject.js'
import { openLivequeue } from './livequeue/subject.js'
import { machine } from './machine.js'
import { formatCount, formatJson, formatTable, type Report, type Row } from './report.js'
import { SCENARIOS, SEQUENTIAL_CAP } from './scenarios.js'
import { codeVersion } from './version.js'
import { runWorkload } from './workloads.js'

const USAGE = `Usage: node dist/bench/run.js [--tasks N] [--only NAME[,NAME…]] [--synchronous normal|full] [--uncapped] [--json]

  --tasks N        tasks per measure (default 10000)
  --only NAMES     run only these measures: ${SCENARIOS.map((s) => s.name).join(', ')}
  --synchronous    better-sqlite3 PRAGMA synchronous (default normal, which matches livequeue's durability)
  --uncapped       run livequeue at N tasks in the one-commit-at-a-time measures too
                   (default: at most ${formatCount(SEQUENTIAL_CAP)} there; 10,000 would take minutes)
  --json           print a JSON document instead of the table

Progress goes to stderr; the table (or JSON) to stdout.`

const fail = (message: string): never => {
  process.stderr.write(`${message}\n\n${USAGE}\n`)
  process.exit(2)
}

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '10000' },
    only: { type: 'string' },
    synchronous: { type: 'string', default: 'normal' },
    uncapped: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
})

if (values.help) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}

const tasks = Number(values.tasks)
if (!Number.isInteger(tasks) || tasks < 1) fail(`--tasks must be a positive integer, got "${values.tasks}"`)

const synchronous = (values.synchronous ?? 'normal').toUpperCase()
if (synchronous !== 'NORMAL' && synchronous !== 'FULL') fail(`--synchronous must be normal or full, got "${values.synchronous}"`)

const only = values.only?.split(',').map((s) => s.trim())
const unknown = only?.filter((name) => !SCENARIOS.some((s) => s.name === name)) ?? []
if (unknown.length > 0) fail(`unknown measure: ${unknown.join(', ')}`)
const scenarios = SCENARIOS.filter((s) => only === undefined || only.includes(s.name))

const log = (message: string) => process.stderr.write(`${message}\n`)
const livequeue = openLivequeue
const sqlite = openSqliteBaseline(synchronous as Synchronous)

const started = performance.now()
const rows: Row[] = []
for (const s of scenarios) {
  const n = tasks
  const lqTasks = values.uncapped ? n : Math.min(n, s.livequeueCap ?? n)
  log(`${s.name}: livequeue, ${formatCount(lqTasks)} tasks …`)
  const lq = await runWorkload(s.livequeue ?? livequeue, s.workload, lqTasks, s.expect, s.expectCount?.(lqTasks))
  const baseTasks = Math.min(n, s.baselineCap ?? n)
  log(`${s.name}: better-sqlite3, ${formatCount(baseTasks)} tasks …`)
  const base = await runWorkload(s.baseline ? s.baseline(synchronous as Synchronous) : sqlite, s.workload, baseTasks, s.expect, s.expectCount?.(baseTasks))
  rows.push({ name: s.name, label: s.label(formatCount(baseTasks)), livequeue: lq, sqlite: base, ratio: lq.opsPerSec / base.opsPerSec })
  log(`${s.name}: ${formatCount(lq.opsPerSec)} vs ${formatCount(base.opsPerSec)} tasks/s`)
}

log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`)

const report: Report = {
  machine: machine(),
  settings: {
    tasks,
    sqliteSynchronous: synchronous,
    code: codeVersion(),
    livequeue:
      'fs store (LiveStore 0.4.0 adapter-node) in a fresh temp dir; each call resolves once its events are in the journal (write(2), no fsync) and applied by LiveStore',
  },
  rows,
}
process.stdout.write(`${values.json ? formatJson(report) : formatTable(report)}\n`)
