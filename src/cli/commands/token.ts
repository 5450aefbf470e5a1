import { Command, Options } from '@effect/cli'
import { Effect } from 'effect'
import { ROLES } from '../../auth/roles.js'
import { createToken, listTokens, revokeToken, type TokenInfo, tokensFile } from '../../auth/tokenStore.js'
import { CommandFailed } from '../errors.js'
import { table } from '../format.js'
import { type Common, common } from '../options.js'
import { positional } from '../parse.js'

/**
 * `livequeue token create|list|revoke`: the HTTP API's bearer tokens, in `<data-dir>/tokens.json`.
 * They edit that file directly (no store is opened), so they work while a host runs; the host
 * re-reads the file on its next request, so a revoked token is refused at once.
 */

const print = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)

const run = <A>(c: Common, f: (file: string) => A, human: (value: A) => string, json: (value: A) => unknown = (v) => v) =>
  Effect.try({ try: () => f(tokensFile(c.dataDir)), catch: (error) => new CommandFailed({ error, json: c.json }) }).pipe(
    Effect.map((value) => print(c.json ? JSON.stringify(json(value), null, 2) : human(value))),
  )

const role = Options.choice('role', ROLES).pipe(
  Options.withDescription('admin (everything), producer (enqueue; cancel/retry its own tasks), worker (claim and report), viewer (reads).'),
)
const name = Options.text('name').pipe(
  Options.withPseudoName('NAME'),
  Options.withDescription("The token's name: shown in `token list`, recorded as `createdBy` on a producer's tasks."),
)

const create = Command.make('create', { ...common, role, name }, (c) =>
  run(
    c,
    (file) => createToken(file, { name: c.name, role: c.role }),
    (t) => {
      // stdout gets the token alone (easy to capture); the advice goes to stderr.
      process.stderr.write(`created token "${t.name}" (${t.role}); it is shown only this once, so store it now\n`)
      return t.token
    },
    (t) => ({ token: t.token, name: t.name, role: t.role }),
  ),
).pipe(Command.withDescription('Create a token and print it once (only its SHA-256 hash is kept).'))

const list = Command.make('list', common, (c) =>
  run(
    c,
    (file) => listTokens(file),
    (tokens: TokenInfo[]) =>
      tokens.length === 0
        ? 'no tokens: the host serves on loopback only, without auth'
        : table(
            ['NAME', 'ROLE', 'CREATED'],
            tokens.map((t) => [t.name, t.role, t.createdAt]),
          ),
  ),
).pipe(Command.withDescription('List tokens: names, roles, when created (never the tokens).'))

const revoke = Command.make('revoke', { ...common, name: positional('name', 'The name of the token to revoke.') }, (c) =>
  run(
    c,
    (file) => revokeToken(file, c.name),
    (t) => `revoked token "${t.name}" (${t.role})`,
    (t) => ({ ...t, revoked: true }),
  ),
).pipe(Command.withDescription('Revoke a token: a running host refuses it from its next request.'))

export const tokenCommand = Command.make('token').pipe(
  Command.withDescription("Manage the HTTP API's bearer tokens (<data-dir>/tokens.json)."),
  Command.withSubcommands([create, list, revoke]),
)
