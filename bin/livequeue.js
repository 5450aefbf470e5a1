#!/usr/bin/env node
// The `livequeue` CLI. The TypeScript sources compile to dist/ on `npm install` (prepare) or `npm run build`.

// LiveStore runs development checks unless NODE_ENV is production (a hash of every materializer's
// output, compared on each event): about 10 % of a commit's CPU (docs/design.md). The host and the
// CLI are production programs; a user who sets NODE_ENV keeps theirs.
process.env.NODE_ENV ??= 'production'

const { main } = await import('../dist/src/cli/main.js')
main(process.argv)
