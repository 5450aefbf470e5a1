import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

/**
 * The dashboard build: web/dashboard → dist/dashboard, which the host serves at `/`.
 * Preact's JSX through vite's own esbuild (no plugin needed); hashed asset names, so the host
 * can let browsers cache them forever. Runs as part of `npm run build` (and so `npm install`).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('../../dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle: the whole app is a few tens of kB; no need for chunk splitting.
    assetsInlineLimit: 0,
  },
})
