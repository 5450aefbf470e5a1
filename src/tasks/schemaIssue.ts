import { ParseResult } from 'effect'

/**
 * The first issue of a schema check as `field` (a path under `root`, e.g. `payload.text`) and a
 * sentence on what is wrong: what a `ValidationError` needs to name what to fix.
 */
export const firstSchemaIssue = (error: ParseResult.ParseError, root: string): { field: string; reason: string } => {
  const [first] = ParseResult.ArrayFormatter.formatErrorSync(error)
  if (first === undefined) return { field: root, reason: error.message }
  const field = [root, ...first.path.map(String)].filter((p) => p !== '').join('.')
  return { field, reason: first.message }
}
