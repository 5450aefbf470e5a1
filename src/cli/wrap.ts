/**
 * Wraps help text to the terminal: @effect/cli lays its command list out as one line per
 * command, padded to the longest (about 350 columns for `schedule set`). Each line is cut at
 * spaces to `width` columns; a continuation is indented under the line's text (under the text of
 * a `- ` item). ANSI styling (on a terminal) does not count towards the width. No imports: the
 * fast `--help` path in bin/livequeue.js loads this alone.
 */

const ESC = String.fromCharCode(27)
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g')
const visible = (text: string): number => text.replace(ANSI, '').length

/** The width help is wrapped to: the terminal's columns, else 80 (a pipe, a file). */
export const helpWidth = (stream: { isTTY?: boolean; columns?: number } = process.stdout): number =>
  stream.isTTY && stream.columns ? Math.max(40, stream.columns) : 80

const wrapLine = (line: string, width: number, hangBy?: string): string[] => {
  const trimmed = line.trimEnd()
  if (visible(trimmed) <= width) return [trimmed]
  // A table row (`- usage   description`): the description goes under the usage.
  const row = /^(\s*- .*?\S)\s{2,}(\S.*)$/.exec(trimmed)
  if (row) {
    const indent = /^\s*/.exec(trimmed)?.[0] ?? ''
    return [...wrapLine(row[1] as string, width), ...wrapLine(`${indent}    ${row[2]}`, width, '')]
  }
  const indent = /^\s*/.exec(trimmed)?.[0] ?? ''
  const hanging = indent + (hangBy ?? (/^\s*- /.test(trimmed) ? '    ' : '  '))
  const words = trimmed.slice(indent.length).split(/ +/)
  const lines: string[] = []
  let current = indent
  let empty = true
  for (const word of words) {
    if (!empty && visible(current) + 1 + visible(word) > width) {
      lines.push(current)
      current = hanging
      empty = true
    }
    current += empty ? word : ` ${word}`
    empty = false
  }
  lines.push(current)
  return lines
}

export const wrapText = (text: string, width: number): string =>
  text
    .split('\n')
    .flatMap((line) => wrapLine(line, width))
    .join('\n')
