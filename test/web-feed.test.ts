import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { build, type PreviewServer, preview } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RemoteQueue } from '../src/client/RemoteQueue.js'
import { startServe } from './helpers/host.js'
import { freePort, type SyncBackend, startSyncBackend } from './helpers/syncBackend.js'


const CONFIG = path.resolve(import.meta.dirname, '..', 'examples', 'web-feed', 'vite.config.ts')
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

describe('the LiveStore web feed example (examples/web-feed) in a real browser', () => {
  let backend: SyncBackend
  let host: Awaited<ReturnType<typeof startServe>>
  let queue: RemoteQueue
  let site: PreviewServer
  let browser: Browser
  let page: Page
  let dataDir: string
  const requests: string[] = []
  const sockets: string[] = []

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'livequeue-web-feed-'))
    // Built here, from source, so the test checks what the example is now.
    await build({ configFile: CONFIG, logLevel: 'error' })
    site = await preview({ configFile: CONFIG, logLevel: 'error', preview: { host: '127.0.0.1', port: await freePort(), strictPort: true } })
    backend = await startSyncBackend()
    host = await startServe(dataDir, ['--sync-url', backend.url, '--quiet'])
    queue = new RemoteQueue({ url: host.url })
    browser = await chromium.launch({ executablePath: CHROMIUM })
    page = await browser.newPage()
    page.on('request', (r) => requests.push(r.url()))
    page.on('websocket', (ws) => sockets.push(ws.url()))
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await queue?.close()
    await host?.stop()
    await backend?.stop()
    await site?.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
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
