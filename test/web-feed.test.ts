import * as path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { build, type PreviewServer, preview } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './helpers/browser.js'
import { freePort } from './helpers/syncBackend.js'
import { type SyncedHost, startSyncedHost } from './helpers/syncedHost.js'

const CONFIG = path.resolve(import.meta.dirname, '..', 'examples', 'web-feed', 'vite.config.ts')

describe('the LiveStore web feed example (examples/web-feed) in a real browser', () => {
  let synced: SyncedHost
  let backend: SyncedHost['backend']
  let host: SyncedHost['host']
  let queue: SyncedHost['queue']
  let site: PreviewServer
  let browser: Browser
  let page: Page
  const requests: string[] = []
  const sockets: string[] = []

  beforeAll(async () => {
    // Built here, from source, so the test checks what the example is now.
    await build({ configFile: CONFIG, logLevel: 'error' })
    site = await preview({ configFile: CONFIG, logLevel: 'error', preview: { host: '127.0.0.1', port: await freePort(), strictPort: true } })
    synced = await startSyncedHost('livequeue-web-feed-')
    ;({ backend, host, queue } = synced)
    browser = await launchBrowser()
    page = await browser.newPage()
    page.on('request', (r) => requests.push(r.url()))
    page.on('websocket', (ws) => sockets.push(ws.url()))
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await synced?.stop()
    await site?.close()
  })

  it('shows history and then live tasks from the sync backend, without the host HTTP API', async () => {
    const before = await queue.enqueue({ type: 'feed.before', payload: { n: 1 } })
    const siteUrl = site.resolvedUrls?.local[0] as string
    await page.goto(`${siteUrl}?sync=${encodeURIComponent(backend.url)}`)
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 })
    // History: enqueued before the page opened.
    await page.waitForSelector(`#feed li[data-task-id="${before.id}"][data-kind="queued"]`, { timeout: 15_000 })

    // Live: enqueued and cancelled while the page is open.
    const live = await queue.enqueue({ type: 'feed.live' })
    await page.waitForSelector(`#feed li[data-task-id="${live.id}"][data-kind="queued"]`, { timeout: 15_000 })
    await queue.cancel(live.id)
    await page.waitForSelector(`#feed li[data-task-id="${live.id}"][data-kind="cancelled"]`, { timeout: 15_000 })
    expect(await page.textContent(`#feed li[data-task-id="${live.id}"][data-kind="cancelled"]`)).toContain('feed.live')

    // The workerTasks query: one pending (before), one cancelled (live).
    await page.waitForSelector('#counts li[data-status="cancelled"]', { timeout: 15_000 })
    expect(await page.textContent('#counts li[data-status="pending"]')).toBe('pending 1')
    expect(await page.textContent('#counts li[data-status="cancelled"]')).toBe('cancelled 1')
    expect(await page.getAttribute('body', 'data-tasks')).toBe('2')

    // Everything came through the sync backend: the page never asked the host.
    const hostOrigin = new URL(host.url).origin
    expect(requests.filter((u) => u.startsWith(hostOrigin))).toEqual([])
    expect(sockets.filter((u) => u.startsWith(hostOrigin.replace('http', 'ws')))).toEqual([])
    expect(sockets.some((u) => u.startsWith(`${backend.url}/?storeId=livequeue`) || u.startsWith(`${backend.url}?storeId=livequeue`))).toBe(true)
  })
})
