import { oneLine, truncate } from './format.js'

/**
 * A one-line progress bar on a terminal (stderr, so stdout keeps only the command's output),
 * redrawn in place. `update` with a fraction 0..1 (or null: unknown yet) and a note.
 */
export const progressBar = (stream: NodeJS.WriteStream, label: string) => {
  let drawn = false
  const width = 24
  return {
    update(fraction: number | null, note: string) {
      const f = fraction === null ? 0 : Math.min(1, Math.max(0, fraction))
      const filled = Math.round(f * width)
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`
      const percent = fraction === null ? '  -%' : `${String(Math.round(f * 100)).padStart(3)}%`
      const line = `${label} ${bar} ${percent}  ${oneLine(note)}`
      stream.write(`\r\x1b[2K${truncate(line, Math.max(20, (stream.columns || 80) - 1))}`)
      drawn = true
    },
    /** Removes the bar, leaving the cursor at the start of an empty line. */
    clear() {
      if (drawn) stream.write('\r\x1b[2K')
      drawn = false
    },
  }
}

/** `progress 45%: chunk 3 of 6` (the activity summary of a progress event) → 0.45 and the message. */
export const parseProgress = (summary: string): { fraction: number; message: string } | null => {
  const match = /^progress (\d+)%(?:: (.*))?$/s.exec(summary)
  return match ? { fraction: Number(match[1]) / 100, message: match[2] ?? '' } : null
}
