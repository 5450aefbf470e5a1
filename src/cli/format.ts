/** Plain-text building blocks for human output: aligned tables, key-value blocks, times, previews. */

/** One line: control characters (newlines, tabs, escapes) become spaces. */
export const oneLine = (text: string): string => text.replace(/\p{Cc}+/gu, ' ')

export const truncate = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

/** A JSON value on one line, cut to `max` characters. */
export const preview = (value: unknown, max = 60): string => truncate(oneLine(JSON.stringify(value) ?? 'null'), max)

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
export const table = (headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const cells = [headers, ...rows].map((row) => row.map(oneLine))
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)))
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

/** `key: value` lines with the values aligned; pairs whose value is undefined are left out. */
export const keyValue = (pairs: ReadonlyArray<readonly [string, string | undefined]>): string => {
  const shown = pairs.filter((pair): pair is readonly [string, string] => pair[1] !== undefined)
  const width = Math.max(0, ...shown.map(([key]) => key.length + 1))
  return shown.map(([key, value]) => `${`${key}:`.padEnd(width)}  ${value}`).join('\n')
}

/** "850ms", "12s", "5m 3s", "2h 5m", "3d 4h". */
export const duration = (ms: number): string => {
  const abs = Math.abs(ms)
  if (abs < 1_000) return `${Math.round(abs)}ms`
  const s = Math.floor(abs / 1_000)
  if (s < 60) return `${(abs / 1_000).toFixed(abs < 10_000 ? 1 : 0)}s`
  const [m, h, d] = [Math.floor(s / 60), Math.floor(s / 3_600), Math.floor(s / 86_400)]
  if (m < 60) return `${m}m${s % 60 ? ` ${s % 60}s` : ''}`
  if (h < 24) return `${h}h${m % 60 ? ` ${m % 60}m` : ''}`
  return `${d}d${h % 24 ? ` ${h % 24}h` : ''}`
}

/** "5m ago", "in 2h", "just now". */
export const relative = (at: number, now: number): string => {
  const delta = at - now
  if (Math.abs(delta) < 1_000) return 'just now'
  return delta < 0 ? `${duration(delta)} ago` : `in ${duration(delta)}`
}

export const iso = (at: number): string => new Date(at).toISOString()

/** "2030-01-31T09:00:00.000Z (5m ago)", or "-" for null. */
export const when = (at: number | null, now: number): string => (at === null ? '-' : `${iso(at)} (${relative(at, now)})`)
