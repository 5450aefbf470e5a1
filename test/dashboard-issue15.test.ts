import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type Host, startHost } from '../src/host/startHost.js'
import { openQueue } from '../src/index.js'
import { collectPageErrors, launchBrowser, screenshot } from './helpers/browser.js'
import { tempDir } from './helpers/queue.js'

/**
 * Issue 15 on the dashboard, in a real browser against a real host: the overview warns about a
 * type no worker handles, and a task page says why the queue cancelled the task and shows the
 * trace id the task carries. The store is
 * seeded first by a queue whose clock is two minutes behind, so the warning is due at once.
 */

/** The producer's trace context (no SDK here: the tasks carry it as given). */
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'

let browser: Browser
let host: Host
beforeAll(async () => {
  browser = await launchBrowser()
  const dataDir = tempDir('livequeue-dash15-')
  const seed = await openQueue({ dataDir, now: () => Date.now() - 120_000 })
  await seed.enqueueMany(
    [
      { id: 'step', type: 'lookup' },
      { id: 'report', type: 'report', dependsOn: ['step'] },
      { id: 'cleanup', type: 'report', dependsOn: ['step'], onDependencyFailure: 'run' },
    ],
    { trace: { traceparent: TRACEPARENT } },
  )
  await seed.cancel('step')
  await seed.close()
  host = await startHost({ dataDir, http: { port: 0 }, followActivity: false, write: () => {} })
})
afterAll(async () => {
  await browser?.close()
  await host?.stop()
})

it('the overview warns that no worker handles a type; the task page shows the cancel reason and the trace id', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
  const errors = collectPageErrors(page)
  await page.goto(`${host.server?.url}/`)
  const warning = page.getByTestId('unhandled-types')
  await warning.waitFor()
  await expect(warning.textContent()).resolves.toMatch(/No worker handles report: 1 pending, none for 2 min \(no worker ever registered for it/)
  await screenshot(page, 'dashboard', 'overview-unhandled-types')

  await page.goto(`${host.server?.url}/#/tasks/report`)
  const reason = page.getByTestId('cancel-reason')
  await reason.waitFor()
  await expect(reason.textContent()).resolves.toBe('dependency step (lookup) was cancelled')
  await expect(page.getByTestId('trace-id').textContent()).resolves.toBe('4bf92f3577b34da6a3ce929d0e0e4736')
  await page.goto(`${host.server?.url}/#/tasks/cleanup`)
  await page.getByTestId('depends-on').filter({ hasText: 'runs even if one fails' }).waitFor()
  await screenshot(page, 'dashboard', 'task-cancel-reason')
  expect(errors).toEqual([])
  await page.close()
}, 120_000)
