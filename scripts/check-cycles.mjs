#!/usr/bin/env node
// No import cycles, between files or between folders, and no product code (events, schema, src)
// importing the example agents in workers/ (`npm run lint` runs this).
//
// Walks the TypeScript sources that ship (events, schema, src, workers) and follows every import
// that stays at run time: `import type` and `export type` are erased and do not count, nor do
// dynamic `import()`s (they load later, on use). `import { type A }` does count: under
// `verbatimModuleSyntax` it compiles to `import {} from …`, which loads the module.
// Folders are the units under src/ (src/queue, src/store, …; a file directly under src/ is a unit
// of its own) and the other top-level folders.
// Prints each cycle and exits 1 if there is one. No dependency beyond TypeScript itself.
import * as fs from 'node:fs'
import * as path from 'node:path'
import ts from 'typescript'

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const TOP = ['events', 'schema', 'src', 'workers']

const sourceFiles = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : []
  })

/** The files `file` loads at run time, as absolute paths (relative imports only). */
const runtimeImports = (file) => {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false)
  const targets = []
  for (const node of source.statements) {
    let spec
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) spec = node.moduleSpecifier
    if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier) spec = node.moduleSpecifier
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) continue
    const target = path.resolve(path.dirname(file), spec.text).replace(/\.js$/, '')
    const found = ['.ts', '.tsx', '/index.ts'].map((ext) => target + ext).find((f) => fs.existsSync(f))
    if (found) targets.push(found)
  }
  return targets
}

/** Strongly connected components of more than one node (or a node importing itself): Tarjan. */
const cycles = (graph) => {
  let index = 0
  const stack = []
  const meta = new Map()
  const found = []
  const visit = (v) => {
    meta.set(v, { index, low: index, onStack: true })
    index++
    stack.push(v)
    for (const w of graph.get(v) ?? []) {
      if (!meta.has(w)) {
        visit(w)
        meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).low)
      } else if (meta.get(w).onStack) meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).index)
    }
    if (meta.get(v).low === meta.get(v).index) {
      const component = []
      let w
      do {
        w = stack.pop()
        meta.get(w).onStack = false
        component.push(w)
      } while (w !== v)
      if (component.length > 1 || (graph.get(v) ?? new Set()).has(v)) found.push(component.sort())
    }
  }
  for (const v of graph.keys()) if (!meta.has(v)) visit(v)
  return found
}

/** One path around a component, for the message: a → b → … → a. */
const loopThrough = (graph, component) => {
  const inside = new Set(component)
  const start = component[0]
  const previous = new Map([[start, null]])
  const queue = [start]
  while (queue.length > 0) {
    const v = queue.shift()
    for (const w of graph.get(v) ?? []) {
      if (w === start) {
        const loop = [start]
        for (let at = v; at !== start; at = previous.get(at)) loop.splice(1, 0, at)
        return [...loop, start]
      }
      if (inside.has(w) && !previous.has(w)) {
        previous.set(w, v)
        queue.push(w)
      }
    }
  }
  return component
}

const files = TOP.flatMap((dir) => sourceFiles(path.join(ROOT, dir)))
const fileGraph = new Map(files.map((f) => [path.relative(ROOT, f), new Set(runtimeImports(f).map((t) => path.relative(ROOT, t)))]))

const folderOf = (file) => {
  const parts = file.split(path.sep)
  // A file directly under src/ (errors.ts, limits.ts, index.ts) is a unit of its own.
  return parts[0] === 'src' ? `${parts[0]}/${parts[1]}` : parts[0]
}
const folderGraph = new Map()
const folderEdges = new Map()
for (const [file, targets] of fileGraph) {
  const from = folderOf(file)
  if (!folderGraph.has(from)) folderGraph.set(from, new Set())
  for (const target of targets) {
    const to = folderOf(target)
    if (to === from) continue
    folderGraph.get(from).add(to)
    const key = `${from} → ${to}`
    if (!folderEdges.has(key)) folderEdges.set(key, `${file} → ${target}`)
  }
}

const PRODUCT = ['events', 'schema', 'src']
const intoExamples = [...fileGraph].flatMap(([file, targets]) =>
  PRODUCT.includes(file.split(path.sep)[0]) ? [...targets].filter((t) => t.startsWith(`workers${path.sep}`)).map((t) => `${file} → ${t}`) : [],
)
for (const edge of intoExamples) console.error(`product code imports an example (pass it in instead): ${edge}`)

const fileCycles = cycles(fileGraph)
const folderCycles = cycles(folderGraph)
for (const component of fileCycles) console.error(`import cycle: ${loopThrough(fileGraph, component).join(' → ')}`)
for (const component of folderCycles) {
  const loop = loopThrough(folderGraph, component)
  const why = loop.slice(1).map((to, i) => `    ${folderEdges.get(`${loop[i]} → ${to}`)}`)
  console.error(`folder cycle among ${component.join(', ')}; one loop: ${loop.join(' → ')}, through\n${why.join('\n')}`)
}
if (fileCycles.length + folderCycles.length + intoExamples.length > 0) process.exit(1)
console.log(`no import cycles among ${fileGraph.size} files in ${folderGraph.size} folders`)
