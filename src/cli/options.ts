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
export const json = Options.boolean('json').pipe(Options.withDescription('Print exactly one JSON document on stdout (the shape the library returns).'))

/** The options every command takes; spread into a command's config. */
export const common = { dataDir, json }

export type Common = { readonly dataDir: string | undefined; readonly json: boolean }

/** `--server URL`: go through this host; undefined when not given (`connect` then reads $LIVEQUEUE_SERVER). */
export const server = Options.text('server').pipe(
  Options.withPseudoName('URL'),
  Options.withDescription('Go through the livequeue host at this URL. (Default: $LIVEQUEUE_SERVER, else the host that owns --data-dir, if any)'),
  Options.optional,
  Options.map(Option.getOrUndefined),
)

/** `--token T`: the host's bearer token; read from the environment when not given, so it stays out of `ps`. */
export const token = Options.text('token').pipe(
  Options.withPseudoName('TOKEN'),
  Options.withDescription('Bearer token for the host (from `livequeue token create`). (Default: $LIVEQUEUE_TOKEN)'),
  Options.optional,
  Options.map(Option.getOrUndefined),
)

/**
 * The options of every command that uses the queue (`withQueue`): `common` plus the transport.
 * Kept apart from `common` so commands that are the host (`serve`) or pick their own server
 * (`worker`) do not grow options they ignore.
 */
export const queueOptions = { ...common, server, token }

export type QueueCommon = Common & { readonly server?: string | undefined; readonly token?: string | undefined }
