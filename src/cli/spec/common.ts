import { notAnOption } from './checks.js'
import type { ArgSpec, BooleanSpec, TextSpec } from './types.js'

/**
 * The options every command takes, as specs (spec/types.ts); `options.ts` builds them for
 * @effect/cli, the quick path reads them as they are.
 */

/**
 * `--data-dir DIR`; undefined when not given, and `openQueue` applies its default
 * (`resolveDataDir`: `$LIVEQUEUE_DATA_DIR`, else `./.livequeue`). Not resolved here because
 * `resolveDataDir` lives in `store/openStore.ts`, which loads LiveStore (≈1 s) even for `--help`.
 */
export const dataDirSpec: TextSpec = {
  kind: 'text',
  name: 'data-dir',
  pseudoName: 'DIR',
  description: 'The store directory. (Default: $LIVEQUEUE_DATA_DIR, else ./.livequeue)',
}

/** `--json`: stdout gets exactly one JSON document, shaped as the library returns it. */
export const jsonSpec: BooleanSpec = {
  kind: 'boolean',
  name: 'json',
  description: 'Print exactly one JSON document on stdout (the shape the library returns).',
}

/** `--server URL`: go through this host; undefined when not given (`connect` then reads $LIVEQUEUE_SERVER). */
export const serverSpec: TextSpec = {
  kind: 'text',
  name: 'server',
  pseudoName: 'URL',
  description: 'Go through the livequeue host at this URL. (Default: $LIVEQUEUE_SERVER, else the host that owns --data-dir, if any)',
}

/** `--token T`: the host's bearer token; read from the environment when not given, so it stays out of `ps`. */
export const tokenSpec: TextSpec = {
  kind: 'text',
  name: 'token',
  pseudoName: 'TOKEN',
  description: 'Bearer token for the host (from `livequeue token create`). (Default: $LIVEQUEUE_TOKEN)',
}

export const commonSpecs = { dataDir: dataDirSpec, json: jsonSpec }

/**
 * The options of every command that uses the queue (`withQueue`): `common` plus the transport.
 * Kept apart from `common` so commands that are the host (`serve`) or pick their own server
 * (`worker`) do not grow options they ignore.
 */
export const queueOptionSpecs = { ...commonSpecs, server: serverSpec, token: tokenSpec }

/** A positional argument that is never option-like (`notAnOption`). */
export const positionalSpec = (name: string, description: string): ArgSpec => ({ name, description, check: notAnOption(name) })

/** `<id>`: the task id. */
export const taskIdArg = { id: positionalSpec('id', 'The task id.') }
