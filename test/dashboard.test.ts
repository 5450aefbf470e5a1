import * as path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../src/auth/tokenStore.js'
import { type Host, startHost } from '../src/host/startHost.js'
import { collectPageErrors, launchBrowser, screenshot } from './helpers/browser.js'
import { tempDir, until } from './helpers/queue.js'

/**
 * The dashboard in a real browser (Debian's chromium through playwright-core), against a real
 * host (startHost: HTTP API, in-process workers running test/fixtures/dashboard-handlers.mjs,
 * fs store). Tasks go in over the HTTP API, as any producer's would. Screenshots of each page
 * land in test-artifacts/dashboard/.
 */

const HANDLERS = path.join(import.meta.dirname, 'fixtures', 'dashboard-handlers.mjs')

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

const enqueueOverHttp = async (host: Host, body: Record<string, unknown>, token?: string) => {
  const response = await fetch(`${host.server?.url}/api/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(201)
  return (await response.json()) as { id: string }
}

const waitForStatus = (host: Host, id: string, status: string) => until(`task ${id} is ${status}`, async () => (await host.queue.get(id)).status === status)

describe('dashboard on a host without tokens', () => {
  let host: Host
  let page: Page
  let errors: string[]
  beforeAll(async () => {
    host = await startHost({ dataDir: tempDir('livequeue-dash-'), workers: HANDLERS, http: { port: 0 }, followActivity: false, write: () => {} })
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    errors = collectPageErrors(page)
  })
  afterAll(async () => {
    await page?.close()
    await host?.stop()
  })

  it('serves the page at / with its assets, and a task enqueued over the API appears in the live feed without a reload', async () => {
    await page.goto(`${host.server?.url}/#/activity`)
    await page.getByTestId('stream-state').filter({ hasText: 'live' }).waitFor()
    const navigations: string[] = []
    page.on('framenavigated', (f) => navigations.push(f.url()))
    const task = await enqueueOverHttp(host, { type: 'quick', payload: { hello: 'feed' } })
    const completed = page.locator(`.activity-row[data-task="${task.id}"][data-kind="completed"]`)
    await completed.waitFor({ timeout: 15_000 })
    await expect(page.locator(`.activity-row[data-task="${task.id}"][data-kind="queued"]`).count()).resolves.toBe(1)
    // started, completed and failed are told apart by class (colour) on the row.
    await expect(completed.getAttribute('class')).resolves.toContain('kind-completed')
    expect(navigations).toEqual([]) // no reload happened
    await screenshot(page, 'dashboard', 'activity-feed')
  })

  it('filters the feed by status (kind) on the host', async () => {
    await enqueueOverHttp(host, { type: 'quick' })
    await page.goto(`${host.server?.url}/#/activity?kind=completed`)
    await page.locator('.activity-row').first().waitFor()
    const kinds = await page.locator('.activity-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')))
    expect(kinds.length).toBeGreaterThan(0)
    expect(new Set(kinds)).toEqual(new Set(['completed']))
  })

  it("shows a running task's progress bar moving, live, on the task page", async () => {
    const task = await enqueueOverHttp(host, { type: 'steps', payload: { stepMs: 400 } })
    await page.goto(`${host.server?.url}/#/tasks/${task.id}`)
    const bar = page.locator('[data-testid="executions"] progress')
    const valueAbove = async (min: number) => {
      for (let i = 0; i < 300; i++) {
        const v = Number((await bar.getAttribute('value').catch(() => null)) ?? 0)
        if (v > min) return v
        await page.waitForTimeout(50)
      }
      throw new Error(`progress never went above ${min}`)
    }
    const first = await valueAbove(0)
    await screenshot(page, 'dashboard', 'task-running')
    const later = await valueAbove(first)
    expect(later).toBeGreaterThan(first)
    // The page follows the task to its end: the timeline shows the completed execution and the result.
    await page.locator('[data-testid="task"][data-status="completed"]').waitFor({ timeout: 15_000 })
    await expect(page.locator('[data-testid="executions"] .badge').first().textContent()).resolves.toBe('completed')
    await expect(page.locator('pre.json').last().textContent()).resolves.toContain('"steps": 10')
    await screenshot(page, 'dashboard', 'task-completed')
  })

  it("shows a running task's kept log lines live, and its checkpoint, on the task page", async () => {
    const task = await enqueueOverHttp(host, { type: 'agent', payload: { query: 'queues' } })
    await page.goto(`${host.server?.url}/#/tasks/${task.id}`)
    const logs = page.getByTestId('logs')
    await logs.locator('.log-line', { hasText: 'looking things up' }).waitFor({ timeout: 15_000 })
    await expect(logs.locator('.log-line', { hasText: 'looking things up' }).textContent()).resolves.toContain('{"query":"queues"}')
    // New lines arrive while it runs, without a reload.
    await logs.locator('.log-line', { hasText: 'tick 3' }).waitFor({ timeout: 15_000 })
    await expect(logs.getAttribute('data-following')).resolves.toBe('true')
    await page.getByTestId('checkpoint').filter({ hasText: '"step": 1' }).waitFor({ timeout: 15_000 })
    await screenshot(page, 'dashboard', 'task-logs')
    // Once the task ends, the page stops following.
    expect((await fetch(`${host.server?.url}/api/tasks/${task.id}/cancel`, { method: 'POST' })).status).toBe(200)
    await page.locator('[data-testid="logs"][data-following="false"]').waitFor({ timeout: 15_000 })
  })

  it('overview: counts, queues, workers, breakers, schedules and the throughput chart', async () => {
    await host.queue.schedules.set('nightly-digest', { cron: '0 3 * * *', timeZone: 'Europe/Berlin', task: { type: 'quick' } })
    await page.goto(`${host.server?.url}/#/`)
    await page.getByTestId('queues').locator('tr[data-queue="default"]').waitFor()
    await expect(page.getByTestId('runners').locator('tbody tr').count()).resolves.toBeGreaterThan(0)
    await expect(page.getByTestId('breakers').textContent()).resolves.toContain('All circuit breakers closed')
    await expect(page.getByTestId('schedules').locator('tr[data-schedule="nightly-digest"]').textContent()).resolves.toContain('0 3 * * * (Europe/Berlin)')
    const label = await page.getByTestId('throughput').locator('svg').getAttribute('aria-label')
    expect(label).toMatch(/^[1-9]\d* completed and \d+ failed in the last hour$/)
    // Live: a new task's activity shows up on the overview too.
    const task = await enqueueOverHttp(host, { type: 'quick' })
    await page.locator(`.activity-row[data-task="${task.id}"][data-kind="completed"]`).waitFor({ timeout: 15_000 })
    await screenshot(page, 'dashboard', 'overview')
  })

  it('the retry button revives a dead-lettered task, which then completes', async () => {
    const task = await enqueueOverHttp(host, { type: 'fails-once', maxAttempts: 1 })
    await waitForStatus(host, task.id, 'failed')
    await page.goto(`${host.server?.url}/#/dead-letters`)
    const row = page.locator(`[data-testid="dead-letters"] tr[data-task="${task.id}"]`)
    await row.waitFor()
    await expect(row.textContent()).resolves.toContain('the upstream model timed out')
    await screenshot(page, 'dashboard', 'dead-letters')
    await row.getByRole('button', { name: 'Retry' }).click()
    await waitForStatus(host, task.id, 'completed')
    await row.waitFor({ state: 'detached', timeout: 15_000 }) // the page refreshed itself
    expect((await host.queue.get(task.id)).executions?.map((e) => e.status)).toEqual(['failed', 'completed'])
  })

  it('the discard button cancels a dead letter', async () => {
    const task = await enqueueOverHttp(host, { type: 'fails-once', maxAttempts: 1 })
    await waitForStatus(host, task.id, 'failed')
    await page.goto(`${host.server?.url}/#/tasks/${task.id}`)
    await page.getByTestId('error').waitFor()
    await expect(page.getByTestId('error').textContent()).resolves.toContain('Error: the upstream model timed out')
    await screenshot(page, 'dashboard', 'task-failed')
    await page.getByRole('button', { name: 'Discard' }).click()
    await page.locator('[data-testid="task"][data-status="cancelled"]').waitFor()
    expect((await host.queue.get(task.id)).status).toBe('cancelled')
    expect(errors).toEqual([])
  })
})

describe('dashboard on a host with tokens', () => {
  let host: Host
  let tokens: Record<'admin' | 'viewer', string>
  beforeAll(async () => {
    const dataDir = tempDir('livequeue-dash-auth-')
    const file = path.join(dataDir, 'tokens.json')
    tokens = { admin: createToken(file, { name: 'ops', role: 'admin' }).token, viewer: createToken(file, { name: 'watcher', role: 'viewer' }).token }
    host = await startHost({ dataDir, workers: HANDLERS, http: { port: 0 }, followActivity: false, write: () => {} })
  })
  afterAll(async () => {
    await host?.stop()
  })

  const signIn = async (token: string) => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
    const page = await context.newPage()
    const errors = collectPageErrors(page)
    await page.goto(`${host.server?.url}/#/dead-letters`)
    await page.getByTestId('token-prompt').waitFor()
    await page.locator('input[name="token"]').fill(token)
    await page.getByRole('button', { name: 'Open the dashboard' }).click()
    return { context, page, errors }
  }

  it('asks for a token, refuses a wrong one, and keeps a good one for the tab only', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${host.server?.url}/`)
    await page.getByTestId('token-prompt').waitFor()
    await screenshot(page, 'dashboard', 'token-prompt')
    await page.locator('input[name="token"]').fill('lq_not-a-real-token')
    await page.getByRole('button', { name: 'Open the dashboard' }).click()
    await page.getByText('unknown or revoked token').waitFor()
    await page.locator('input[name="token"]').fill(tokens.viewer)
    await page.getByRole('button', { name: 'Open the dashboard' }).click()
    await page.getByTestId('who').filter({ hasText: 'watcher (viewer)' }).waitFor()
    // sessionStorage: a reload keeps it; a new tab (another context) does not have it.
    await page.reload()
    await page.getByTestId('who').filter({ hasText: 'watcher (viewer)' }).waitFor()
    const stored = await page.evaluate(() => {
      const g = globalThis as unknown as { localStorage: object; sessionStorage: object }
      return { local: JSON.stringify(g.localStorage), session: JSON.stringify(g.sessionStorage) }
    })
    expect(stored.local).not.toContain(tokens.viewer)
    expect(stored.session).toContain(tokens.viewer)
    await context.close()
  })

  it('a viewer sees dead letters without retry or discard buttons; an admin sees both', async () => {
    const task = await enqueueOverHttp(host, { type: 'fails-once', maxAttempts: 1 }, tokens.admin)
    await waitForStatus(host, task.id, 'failed')

    const viewer = await signIn(tokens.viewer)
    const row = viewer.page.locator(`[data-testid="dead-letters"] tr[data-task="${task.id}"]`)
    await row.waitFor()
    await expect(row.getByRole('button').count()).resolves.toBe(0)
    await screenshot(viewer.page, 'dashboard', 'dead-letters-viewer')
    // The live stream carries the token too (fetch with a bearer header, not EventSource).
    await viewer.page.goto(`${host.server?.url}/#/activity`)
    await viewer.page.getByTestId('stream-state').filter({ hasText: 'live' }).waitFor()
    const live = await enqueueOverHttp(host, { type: 'quick' }, tokens.admin)
    await viewer.page.locator(`.activity-row[data-task="${live.id}"][data-kind="completed"]`).waitFor({ timeout: 15_000 })
    expect(viewer.errors).toEqual([])
    await viewer.context.close()

    const admin = await signIn(tokens.admin)
    const adminRow = admin.page.locator(`[data-testid="dead-letters"] tr[data-task="${task.id}"]`)
    await adminRow.getByRole('button', { name: 'Retry' }).waitFor()
    await expect(adminRow.getByRole('button', { name: 'Discard' }).count()).resolves.toBe(1)
    expect(admin.errors).toEqual([])
    await admin.context.close()
  })
})
