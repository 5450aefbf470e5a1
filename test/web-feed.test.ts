import * as path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { build, type PreviewServer, preview } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './helpers/browser.js'
import { readRegistry } from '../src/epochs/registry.js'
import { until } from './helpers/queue.js'
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
  const consoleLines: string[] = []

  beforeAll(async () => {
    // Built here, from source, so the test checks what the example is now.
    await build({ configFile: CONFIG, logLevel: 'error' })
    site = await preview({ configFile: CONFIG, logLevel: 'error', preview: { host: '127.0.0.1', port: await freePort(), strictPort: true } })
    // Small epochs (40 events) for the rotation test; the first test stays well below one.
    synced = await startSyncedHost('livequeue-web-feed-', { env: { LIVEQUEUE_EPOCH_EVENTS: '40' } })
    ;({ backend, host, queue } = synced)
    browser = await launchBrowser()
    page = await browser.newPage()
    page.on('request', (r) => requests.push(r.url()))
    page.on('websocket', (ws) => sockets.push(ws.url()))
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`.slice(0, 500)))
    page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`))
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

  it('follows the host into new epochs: the page moves to the current store and shows what happens there', async () => {
    const registry = () => readRegistry(synced.dataDir, 'livequeue')
    const t0 = Date.now()
    // Pending through every rotation (carried in each seed), like the first test's `feed.before`.
    const held = await queue.enqueue({ type: 'feed.held' })
    // Opened (again) on the base store before the rotations: it follows them live.
    await page.goto(`${site.resolvedUrls?.local[0] as string}?sync=${encodeURIComponent(backend.url)}`)
    await page.waitForSelector(`#feed li[data-task-id="${held.id}"]`, { timeout: 30_000 })
    // Rounds of work (15 tasks enqueued, claimed, completed) until the host has rotated twice.
    await until('the host rotated twice', async () => {
      if (registry().epochs.length >= 3) return true
      const tasks = await Promise.all(Array.from({ length: 15 }, (_, j) => queue.enqueue({ type: 'feed.job', payload: { j } })))
      const claims = await queue.claim({ runnerId: 'feed-runner', types: ['feed.job'], limit: tasks.length })
      await Promise.all(claims.map((c) => queue.complete(c.executionId, null, { runnerId: 'feed-runner' })))
      return false
    })
    const current = registry().epochs.at(-1)?.storeId as string
    const last = await queue.enqueue({ type: 'feed.last' })
    const diag = setTimeout(async () => {
      console.log(`page on ${await page.getAttribute('body', 'data-store')}; sockets ${sockets.join(' ')}; console:\n${consoleLines.join('\n')}`)
    }, 25_000)
    await page.waitForSelector(`body[data-store="${current}"]`, { timeout: 30_000 })
    await page.waitForSelector(`#feed li[data-task-id="${last.id}"][data-kind="queued"]`, { timeout: 15_000 })
    const followedMs = Date.now() - t0
    clearTimeout(diag)
    // The counts are the current store's: the pending tasks (held, last, and the first test's),
    // carried from epoch to epoch; the completed jobs of sealed epochs are not carried.
    const pending = (await queue.stats()).byStatus.pending
    await page.waitForFunction(`document.querySelector('#counts li[data-status="pending"]')?.textContent === 'pending ${pending}'`, undefined, {
      timeout: 15_000,
    })
    expect(await page.textContent('#source')).toContain(`store ${current} from`)
    // The feed's seqs only go down the list (newest first), also where the sealed store's entries follow.
    const seqs = await page.$$eval('#feed li', (items) => items.map((li) => Number(li.getAttribute('data-seq'))))
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a))
    expect(new Set(seqs).size).toBe(seqs.length)
    // A new store starts with no activity of its own: the sealed store's latest entries fill the
    // feed below the new ones, so it stays 50 long.
    const sealedEnd = registry().epochs.at(-2)?.activitySeqEnd as number
    const own = seqs.filter((seq) => seq > sealedEnd).length
    expect(seqs).toHaveLength(50)
    expect(seqs.filter((seq) => seq <= sealedEnd)).toHaveLength(50 - own)
    // It read every store from the backend: one WebSocket per store id it followed.
    for (const epoch of registry().epochs) {
      expect(
        sockets.some((u) => u.includes(`storeId=${epoch.storeId}`)),
        epoch.storeId,
      ).toBe(true)
    }
    console.log(`web feed: ${registry().epochs.length - 1} rotations; page on ${current} showing a task enqueued there ${followedMs} ms after the load began`)
  }, 120_000)
})
