import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LOCAL_CREDENTIAL_FILE } from '../src/auth/localCredential.js'
import { cli, cliJson, removeTempDataDirs, tempDataDir } from './helpers/cli.js'
import { startServe } from './helpers/host.js'

const TIMEOUT = 120_000

afterAll(removeTempDataDirs)

const get = (url: string, token?: string) => fetch(`${url}/api/stats`, token ? { headers: { authorization: `Bearer ${token}` } } : {})

describe('the local operator credential', () => {
  it(
    'a host with tokens lets a CLI command that finds it through the data dir in, owner-only, rotated at each start; remote auth is unchanged',
    async () => {
      const dir = tempDataDir()
      const viewer = await cliJson<{ token: string }>(['token', 'create', '--role', 'viewer', '--name', 'watcher', '--data-dir', dir])
      const file = path.join(dir, LOCAL_CREDENTIAL_FILE)
      let host = await startServe(dir)
      let first: string
      try {
        expect(fs.statSync(file).mode & 0o777).toBe(0o600)
        first = fs.readFileSync(file, 'utf8').trim()

        // Through the data dir, no token given: in, as an admin (enqueue is a producer's right).
        const enqueued = await cli(['enqueue', 'local-work', '--data-dir', dir, '--json'])
        expect(enqueued.code, enqueued.stderr).toBe(0)
        const listed = await cli(['list', '--data-dir', dir, '--json'])
        expect(listed.code, listed.stderr).toBe(0)
        expect(JSON.parse(listed.stdout).items.map((t: { type: string }) => t.type)).toEqual(['local-work'])

        // Remote auth as before: by URL without a token, refused; a given token is used as given.
        const byUrl = await cli(['list', '--server', host.url, '--json'])
        expect(byUrl.code).toBe(1)
        expect(JSON.parse(byUrl.stderr).error._tag).toBe('Unauthorized')
        const asViewer = await cli(['enqueue', 'x', '--data-dir', dir, '--token', viewer.token, '--json'])
        expect(asViewer.code).toBe(1)
        expect(JSON.parse(asViewer.stderr).error._tag).toBe('Forbidden')
        expect((await get(host.url)).status).toBe(401)
        expect((await get(host.url, first)).status).toBe(200)
      } finally {
        await host.stop()
      }
      // The host takes its credential with it.
      expect(fs.existsSync(file)).toBe(false)

      host = await startServe(dir)
      try {
        const second = fs.readFileSync(file, 'utf8').trim()
        expect(second).not.toBe(first)
        expect((await get(host.url, first)).status).toBe(401)
        expect((await get(host.url, second)).status).toBe(200)
        expect((await cli(['stats', '--data-dir', dir, '--json'])).code).toBe(0)
      } finally {
        await host.stop()
      }
    },
    TIMEOUT,
  )
})
