import { configDefaults, defineConfig } from 'vitest/config'
import base from './vitest.config.js'

/**
 * `npm run test:unit`: the suites a developer runs between edits (about a minute). It leaves out
 * what starts a browser, wrangler, or host and CLI child processes; `npm test` (and CI) runs
 * everything.
 */
export default defineConfig({
  test: {
    ...base.test,
    exclude: [
      ...configDefaults.exclude,
      'test/dashboard*.test.ts',
      'test/web-feed.test.ts',
      'test/devtools.test.ts',
      'test/replica.test.ts',
      'test/cli*.test.ts',
      'test/serve.test.ts',
      'test/server-host.test.ts',
      'test/runtime-process.test.ts',
      'test/storage-faults.test.ts',
      'test/epochs.test.ts',
      'test/persistence.test.ts',
      'test/store-integrity.test.ts',
      'test/hardening-input.test.ts',
      'test/fuzz-input.test.ts',
      'test/remote-worker*.test.ts',
      'test/local-credential.test.ts',
      'test/client-entry.test.ts',
      'test/package.test.ts',
      'test/example-workspace.test.ts',
      'test/archive.test.ts',
    ],
  },
})
