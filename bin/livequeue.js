#!/usr/bin/env node
// The `livequeue` CLI. The TypeScript sources compile to dist/ on `npm install` (prepare) or `npm run build`.
import { main } from '../dist/src/cli/main.js'

main(process.argv)
