import * as path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createToken } from '../src/auth/tokenStore.js'
import { type Host, startHost } from '../src/host/startHost.js'
import { collectPageErrors, launchBrowser, screenshot } from './helpers/browser.js'
import { tempDir, until } from './helpers/queue.js'

/**
 * Rate limits on the dashboard's overview, in a real browser against a real host with tokens and
 * in-process workers (test/fixtures/dashboard-handlers.mjs): a limit set over the API and a
 * handler's ctx.rateLimited pause show up live with their use and "paused until"; a viewer gets
 * no button, an admin clears the pause from the page.
 */

const HANDLERS = path.join(import.meta.dirname, 'fixtures', 'dashboard-handlers.mjs')

let browser: Browser
let host: Host
let tokens: Record<'admin' | 'viewer', string>
beforeAll(async () => {
  browser = await launchBrowser()
  const dataDir = tempDir('livequeue-dash-limits-')
  const file = path.join(dataDir, 'tokens.json')
  tokens = { admin: createToken(file, { name: 'ops', role: 'admin' }).token, viewer: createToken(file, { name: 'watcher', role: 'viewer' }).token }
  host = await startHost({ dataDir, workers: HANDLERS, http: { port: 0 }, followActivity: false, write: () => {} })
})
afterAll(async () => {
  await browser?.close()
  await host?.stop()
})

const call = async (method: string, route: string, body?: unknown) => {
  const response = await fetch(`${host.server?.url}${route}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.admin}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  expect(response.status, `${method} ${route}`).toBeLessThan(300)
  return (await response.json()) as any
}

const openOverview = async (token: string) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1100 } })
  const page = await context.newPage()
  const errors = collectPageErrors(page)
  await page.goto(`${host.server?.url}/`)
  await page.getByTestId('token-prompt').waitFor()
  await page.locator('input[name="token"]').fill(token)
  await page.getByRole('button', { name: 'Open the dashboard' }).click()
  await page.getByTestId('counts').waitFor()
  return { context, page, errors }
}

it('shows limits with their use and a handler pause live; only an admin gets a Clear button, and it lifts the pause', async () => {
  const viewer = await openOverview(tokens.viewer)
  const panel = viewer.page.getByTestId('rate-limits')
  await panel.filter({ hasText: 'No rate limits' }).waitFor()

  // A limit set over the API appears without a reload; a claim of that type uses its window.
  await call('PUT', '/api/limits/type/quick', { max: 3, perMs: 600_000 })
  const quickRow = viewer.page.locator('[data-testid="rate-limits"] tr[data-limit="type:quick"]')
  await quickRow.filter({ hasText: '0 / 3' }).waitFor()
  await expect(quickRow.textContent()).resolves.toContain('10 min 0 s')
  const task = await call('POST', '/api/tasks', { type: 'quick' })
  await until('the quick task completes', async () => (await host.queue.get(task.id)).status === 'completed')
  await quickRow.filter({ hasText: '1 / 3' }).waitFor()

  // The handler's ctx.rateLimited pauses its type: a row with no limit, "paused until".
  await call('POST', '/api/tasks', { type: 'rate-limited', payload: { ms: 600_000 } })
  const pausedRow = viewer.page.locator('[data-testid="rate-limits"] tr[data-limit="type:rate-limited"]')
  await pausedRow.filter({ hasText: /paused until \d\d:\d\d:\d\d \(in (9|10) min \d+ s\)/ }).waitFor()
  await expect(pausedRow.locator('td').nth(1).textContent()).resolves.toBe('—')
  await expect(viewer.page.locator('[data-testid="rate-limits"] button').count()).resolves.toBe(0)
  await screenshot(viewer.page, 'dashboard', 'rate-limits-viewer')
  expect(viewer.errors).toEqual([])

  const admin = await openOverview(tokens.admin)
  const adminPaused = admin.page.locator('[data-testid="rate-limits"] tr[data-limit="type:rate-limited"]')
  await adminPaused.filter({ hasText: 'paused until' }).waitFor()
  await expect(admin.page.locator('[data-testid="rate-limits"] button', { hasText: 'Clear' }).count()).resolves.toBe(2)
  await screenshot(admin.page, 'dashboard', 'rate-limits-admin')
  await adminPaused.getByRole('button', { name: 'Clear' }).click()
  await adminPaused.waitFor({ state: 'detached' })
  expect((await host.queue.limits.list()).map((l) => `${l.scope}:${l.name}`)).toEqual(['type:quick'])
  // The viewer's page follows the clear live too.
  await pausedRow.waitFor({ state: 'detached' })
  expect(admin.errors).toEqual([])
  await admin.context.close()
  await viewer.context.close()
}, 120_000)
