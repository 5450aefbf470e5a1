import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startServe } from './helpers/host.js'
import { freePort } from './helpers/syncBackend.js'

describe('livequeue serve --devtools', () => {
  const dirs: string[] = []
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livequeue-devtools-'))
    dirs.push(dir)
    return dir
  }
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('starts LiveStore devtools for the host store and prints a URL that answers with the devtools page', async () => {
    // No --experimental-websocket: on Node 20 the host installs the `ws` package's WebSocket itself.
    const port = await freePort()
    const host = await startServe(tempDir(), ['--devtools', '--devtools-port', String(port), '--quiet'])
    try {
      await expect.poll(() => host.output(), { timeout: 30_000 }).toMatch(/devtools: http/)
      const url = /devtools: (http\S+)/.exec(host.output())?.[1] as string
      expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/_livestore/node/livequeue/[^/]+/static/[^/]+$`))
      expect(host.output()).toContain('sponsor licence')
      expect(host.output()).toContain('livequeue query')
      const page = await fetch(url)
      expect(page.status).toBe(200)
      const html = await page.text()
      expect(html).toContain('LiveStore Devtools')
      // The page imports the queue's schema through vite: that module must load too.
      const schemaPath = /import \{ schema as schema0 \} from '([^']+)'/.exec(html)?.[1] as string
      expect(schemaPath).toMatch(/dist\/schema\/index\.js$/)
      const schemaModule = await fetch(new URL(schemaPath, url))
      expect(schemaModule.status).toBe(200)
      expect(await schemaModule.text()).toContain('export const schema')
    } finally {
      expect((await host.stop()).code).toBe(0)
    }
  })
})
