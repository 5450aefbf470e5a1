import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

/**
 * The web feed example: examples/web-feed → dist/web-feed (`npm run build:web-feed`; the
 * browser test builds it too). `livequeue/schema` points at the queue's schema source, so the
 * example builds without the package's own build (an app depending on livequeue drops the alias).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  resolve: { alias: { 'livequeue/schema': fileURLToPath(new URL('../../schema/index.ts', import.meta.url)) } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web-feed', import.meta.url)),
    emptyOutDir: true,
    // Top-level await (the store opens before the first render).
    target: 'es2022',
    // LiveStore with Effect is ≈700 kB minified; one chunk is fine for an example.
    chunkSizeWarningLimit: 1000,
  },
  // LiveStore's wasm SQLite must not be pre-bundled by the dev server.
  optimizeDeps: { exclude: ['@livestore/wa-sqlite'] },
})
