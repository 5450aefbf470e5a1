import * as fs from 'node:fs'
import * as path from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { ROOT } from './cli.js'

/** Debian's chromium (`.ci/run` installs it with apt); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** A real headless chromium. Fails (never skips) when it is missing: CI must install it. */
export const launchBrowser = async (): Promise<Browser> => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: run \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`)
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] })
}

/** Where screenshots go for a person to look at: test-artifacts/<group>/<name>.png (gitignored). */
export const screenshot = async (page: Page, group: string, name: string): Promise<string> => {
  const file = path.join(ROOT, 'test-artifacts', group, `${name}.png`)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  await page.screenshot({ path: file, fullPage: true })
  return file
}

/** Page errors fail the test: a dashboard that throws in the browser is broken even if the DOM looks right. */
export const collectPageErrors = (page: Page): string[] => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => {
    // A refused request (the 401 that brings up the token prompt) is logged by the browser itself; not a page bug.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text())
  })
  return errors
}
