#!/usr/bin/env node
// Writes dist/src/cli/help.txt: `livequeue --help` as @effect/cli renders it from the commands in
// src/cli, unwrapped and without styling. bin/livequeue.js prints it (wrapped to the terminal)
// for `livequeue`, `--help` and `-h` without loading @effect/cli, whose import alone takes
// ~0.5 s (bench/README.md, "CLI start-up"). Run by `npm run build` after tsc, so it always
// matches the commands it was built with.
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as NodeContext from '@effect/platform-node/NodeContext'
import * as Console from 'effect/Console'
import * as Effect from 'effect/Effect'

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const { cli } = await import(path.join(ROOT, 'dist/src/cli/main.js'))

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g')
let text = ''
const capture = (self) =>
  Console.consoleWith((base) => Console.withConsole(self, { ...base, log: (...args) => Effect.sync(() => (text += `${args.join(' ')}\n`)) }))
await Effect.runPromise(cli(['node', 'livequeue', '--help']).pipe(capture, Effect.provide(NodeContext.layer)))
if (!text.includes('USAGE')) throw new Error(`livequeue --help rendered no usage:\n${text}`)
fs.writeFileSync(path.join(ROOT, 'dist/src/cli/help.txt'), text.replace(ANSI, ''))
