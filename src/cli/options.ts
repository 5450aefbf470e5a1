import { Options } from '@effect/cli'
import { Option } from 'effect'

/**
 * `--data-dir DIR`; undefined when not given, and `openQueue` applies its default
 * (`resolveDataDir`: `$LIVEQUEUE_DATA_DIR`, else `./.livequeue`). Not resolved here because
 * `resolveDataDir` lives in `store/openStore.ts`, which loads LiveStore (≈1 s) even for `--help`.
 */
export const dataDir = Options.text('data-dir').pipe(
  Options.withPseudoName('DIR'),
  Options.withDescription('The store directory. (Default: $LIVEQUEUE_DATA_DIR, else ./.livequeue)'),
  Options.optional,
  Options.map(Option.getOrUndefined),
)

/** `--json`: stdout gets exactly one JSON document, shaped as the library returns it. */
export const json = Options.boolean('json').pipe(
  Options.withDescription('Print exactly one JSON document on stdout (the shape the library returns).'),
)

/** The options every command takes; spread into a command's config. */
export const common = { dataDir, json }

export type Common = { readonly dataDir: string | undefined; readonly json: boolean }
