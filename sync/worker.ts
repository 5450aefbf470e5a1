/**
 * The LiveStore sync backend for read replicas: `@livestore/sync-cf`'s Durable Object, one per
 * store id. Locally it runs under `wrangler dev` (`npm run sync:dev`); in production it is
 * deployed to Cloudflare as is (`npx wrangler deploy --config sync/wrangler.toml`).
 *
 * The queue host is the only writer (DESIGN fact 3); replicas only pull from here.
 */
import { makeDurableObject, makeWorker } from '@livestore/sync-cf/cf-worker'

export class SyncBackendDO extends makeDurableObject() {}

// CORS: the web feed is served from another origin than the backend (vite's port, a CDN).
export default makeWorker({ syncBackendBinding: 'SYNC_BACKEND_DO', enableCORS: true })
