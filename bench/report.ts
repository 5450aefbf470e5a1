import { type Machine, machineLine } from './machine.js'
import type { Timing } from './measure.js'

export type Row = {
  name: string
  label: string
  livequeue: Timing
  sqlite: Timing
  /** livequeue ops/s ÷ better-sqlite3 ops/s. */
  ratio: number
}

export type Report = {
  machine: Machine
  settings: { tasks: number; sqliteSynchronous: string; livequeue: string; code: string }
  rows: Row[]
}

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

export const formatCount = (n: number): string => int.format(n)

const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0))
const rate = (t: Timing): string => (t.latency ? `p50 ${ms(t.latency.p50)} ms, p99 ${ms(t.latency.p99)} ms` : `${int.format(t.opsPerSec)} tasks/s`)

const ratio = (r: number): string => (r >= 0.1 ? `${r.toFixed(2)}×` : r >= 0.001 ? `${r.toFixed(3)}×` : `${r.toExponential(1)}×`)

/** The label, with a note when livequeue ran fewer tasks than the baseline. */
const label = (row: Row): string => (row.livequeue.ops === row.sqlite.ops ? row.label : `${row.label} [livequeue: ${formatCount(row.livequeue.ops)} tasks]`)

/** One aligned table: measure | livequeue | better-sqlite3 | ratio, then the settings and the machine. */
export const formatTable = (report: Report): string => {
  const header = ['measure', 'livequeue', 'better-sqlite3', 'ratio']
  const cells = report.rows.map((row) => [label(row), rate(row.livequeue), rate(row.sqlite), ratio(row.ratio)])
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((r) => (r[c] as string).length)))
  const line = (r: ReadonlyArray<string>) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join('  ')
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map(line),
    '',
    ...perTaskLines(report),
    `livequeue: ${report.settings.livequeue} (code: ${report.settings.code})`,
    `better-sqlite3: WAL, synchronous=${report.settings.sqliteSynchronous}`,
    `ratio = livequeue tasks/s ÷ better-sqlite3 tasks/s (latency rows: better-sqlite3 p50 ÷ livequeue p50); above 1 livequeue is ahead`,
    machineLine(report.machine),
  ].join('\n')
}

/** livequeue's commits, events and host CPU per task for each measure (whole run, untimed setup included for drains). */
const perTaskLines = (report: Report): string[] => {
  const lines = report.rows.flatMap((row) => {
    const t = row.livequeue
    const parts = [
      ...(t.perTask ? [`${t.perTask.commits.toFixed(3)} commits`, `${t.perTask.events.toFixed(3)} events`] : []),
      ...(t.cpuMs !== undefined && !t.latency ? [`${(t.cpuMs / t.ops).toFixed(2)} ms host CPU`] : []),
    ]
    return parts.length > 0 ? [`  ${row.name}: ${parts.join(', ')} per task`] : []
  })
  return lines.length > 0 ? ['livequeue per task:', ...lines, ''] : []
}

export const formatJson = (report: Report): string => JSON.stringify(report, null, 2)
