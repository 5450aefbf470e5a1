#!/usr/bin/env node
// The `livequeue` CLI. The TypeScript sources compile to dist/ on `npm install` (prepare) or `npm run build`.
import { readFileSync } from 'node:fs'

// LiveStore runs development checks unless NODE_ENV is production (a hash of every materializer's
// output, compared on each event): about 10 % of a commit's CPU (docs/design.md). The host and the
// CLI are production programs; a user who sets NODE_ENV keeps theirs.
process.env.NODE_ENV ??= 'production'

const args = process.argv.slice(2)
const help = args.length === 0 || (args.length === 1 && (args[0] === '--help' || args[0] === '-h'))

/**
 * `livequeue`, `--help`, `-h`: the help text the build rendered from the commands
 * (scripts/build-help.mjs), wrapped to the terminal. Loading the CLI itself (@effect/cli) takes
 * ~0.5 s before it prints anything; this takes ~0.05 s.
 */
const printBuiltHelp = async () => {
  let text
  try {
    text = readFileSync(new URL('../dist/src/cli/help.txt', import.meta.url), 'utf8')
  } catch {
    return false // not built by `npm run build` (tsc alone): the CLI renders it
  }
  const { helpWidth, wrapText } = await import('../dist/src/cli/wrap.js')
  process.stdout.write(`${wrapText(text.replace(/\n$/, ''), helpWidth())}\n`)
  return true
}

/**
 * A plain `list`, `show`, `cancel`, … with a host to go through runs without @effect/cli or
 * LiveStore (dist/src/cli/quick/main.js: ~0.2 s instead of ~0.8 s); it answers false for
 * anything else, and the whole CLI handles that.
 */
const quick = async () => (await import('../dist/src/cli/quick/main.js')).quickMain(process.argv)

if (!(help && (await printBuiltHelp())) && !(await quick())) {
  const { main } = await import('../dist/src/cli/main.js')
  main(process.argv)
}
