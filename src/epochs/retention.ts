import { type RetentionResult, applyRetention } from './archiveAdmin.js'

/** The environment variable of `serve --archive-keep-days N`. */
export const ARCHIVE_KEEP_DAYS_ENV = 'LIVEQUEUE_ARCHIVE_KEEP_DAYS'
/** Longest retention accepted (100 years): anything above is a typo. */
export const MAX_ARCHIVE_KEEP_DAYS = 36_500

/**
 * How many days the host keeps an archive after its epoch was sealed: the flag
 * (`serve --archive-keep-days N`), else `$LIVEQUEUE_ARCHIVE_KEEP_DAYS`, else null (forever).
 * An unusable environment value is an error naming the variable, not a silent "forever".
 */
export const archiveKeepDays = (flag: number | undefined, env: NodeJS.ProcessEnv = process.env): number | null => {
  if (flag !== undefined) return flag
  const text = env[ARCHIVE_KEEP_DAYS_ENV]
  if (text === undefined || text.trim() === '') return null
  const days = Number(text)
  if (!/^\s*\d+\s*$/.test(text) || days > MAX_ARCHIVE_KEEP_DAYS) {
    throw new RangeError(`${ARCHIVE_KEEP_DAYS_ENV}="${text}" is not a number of days 0–${MAX_ARCHIVE_KEEP_DAYS}; unset it to keep archives forever`)
  }
  return days
}

/**
 * The host's hook after each rotation: drops the archives sealed more than `keepDays` ago. A
 * no-op when `keepDays` is null (keep forever). Never throws (a failed drop must not take the
 * host down); what happened goes to `log`. Synchronous: a few `rm`s and one registry write.
 */
export const retentionHook =
  (dataDir: string, base: string, keepDays: number | null, log: (line: string) => void = (line) => console.error(line)) =>
  (): RetentionResult | null => {
    if (keepDays === null) return null
    try {
      const result = applyRetention(dataDir, base, { keepDays })
      for (const d of result.dropped) log(`archive: dropped epoch ${d.epoch} (${d.storeId}, ${d.freedBytes} bytes), sealed over ${keepDays} days ago`)
      return result
    } catch (error) {
      log(`archive: retention (--archive-keep-days ${keepDays}) failed: ${(error as Error)?.message ?? String(error)}`)
      return null
    }
  }
