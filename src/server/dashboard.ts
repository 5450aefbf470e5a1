import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from '@effect/platform'
import { Effect } from 'effect'
import { apiError, errorResponse } from './errors.js'

/**
 * The dashboard (web/dashboard, built by `npm run build` into dist/dashboard): a static page and
 * its hashed assets, served at `/` beside the API on the same port. The files hold no data (the
 * page reads the API with the user's token), so they are served without auth. They are read once
 * at start: the whole build is ~40 kB, and the host never serves a half-written rebuild.
 */

type Asset = { body: Uint8Array; contentType: string }

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
}

/** Only our own files, fetches to our own origin; inline styles for Preact's `style` props. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
}

/** dist/dashboard, whether this module runs from dist/src/server (built) or src/server (tests, through vitest). */
export const dashboardDir = (): string | null => {
  const here = path.dirname(fileURLToPath(import.meta.url))
  for (const candidate of [path.resolve(here, '../../dashboard'), path.resolve(here, '../../dist/dashboard')]) {
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate
  }
  return null
}

const loadAssets = (dir: string): Map<string, Asset> => {
  const assets = new Map<string, Asset>()
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.posix.join(sub, entry.name)
      if (entry.isDirectory()) walk(rel)
      else
        assets.set(`/${rel}`, {
          body: fs.readFileSync(path.join(dir, rel)),
          contentType: CONTENT_TYPES[path.extname(entry.name)] ?? 'application/octet-stream',
        })
    }
  }
  walk('')
  return assets
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>livequeue</title>
<p>The dashboard is not built. Run <code>npm run build</code> (npm install does it), then reload.
The API is at <a href="/api/docs">/api/docs</a>.</p>`

/** Routes `/` and `/assets/*` on the HttpApi router. */
export const dashboardLayer = (dir: string | null = dashboardDir()) => {
  const assets = dir === null ? new Map<string, Asset>() : loadAssets(dir)
  const index = assets.get('/index.html')
  return HttpApiBuilder.Router.use((router) =>
    Effect.gen(function* () {
      yield* router.get(
        '/',
        Effect.succeed(
          HttpServerResponse.uint8Array(index?.body ?? new TextEncoder().encode(NOT_BUILT), {
            contentType: CONTENT_TYPES['.html'] as string,
            headers: { ...SECURITY_HEADERS, 'cache-control': 'no-cache' },
          }),
        ),
      )
      yield* router.get(
        '/assets/*',
        Effect.map(HttpServerRequest.HttpServerRequest, (request) => {
          const pathname = request.url.split('?')[0] as string
          const asset = assets.get(pathname)
          if (!asset) return errorResponse(apiError(404, 'RouteNotFound', `no dashboard asset ${pathname}`, { route: `GET ${pathname}` }))
          // Vite names assets by content hash: a changed file gets a new name, so caching forever is safe.
          return HttpServerResponse.uint8Array(asset.body, {
            contentType: asset.contentType,
            headers: { ...SECURITY_HEADERS, 'cache-control': 'public, max-age=31536000, immutable' },
          })
        }),
      )
    }),
  )
}
