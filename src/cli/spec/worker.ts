import { MAX_LEASE_MS } from '../../limits.js'
import { boundedIntegerCheck, durationCheck } from './checks.js'
import type { BooleanSpec, CommandSpec, TextSpec, ValuesOf } from './types.js'

/**
 * `livequeue worker`'s options as a spec (spec/types.ts): commands/worker.ts builds the
 * @effect/cli command of it, and the quick path (quick/worker.ts) reads the same command line
 * without @effect/cli, so a remote worker process stays small (bench/README.md, "Quick CLI").
 */

const text = (name: string, pseudoName: string, description: string): TextSpec => ({ kind: 'text', name, pseudoName, description })

const duration = (name: string, description: string, max?: number): TextSpec<number> => ({
  kind: 'text',
  name,
  pseudoName: 'DURATION',
  description,
  check: durationCheck(name, max),
})

const options = {
  server: text('server', 'URL', 'The livequeue host to work for, e.g. http://127.0.0.1:7420. (Default: $LIVEQUEUE_SERVER)'),
  token: text('token', 'TOKEN', 'Bearer token with the worker role (from `livequeue token create`). (Default: $LIVEQUEUE_TOKEN)'),
  workers: {
    ...text('workers', 'MODULE', 'A handlers module (default export: task type → handler; optional `escalation` export).'),
    required: true,
  } as TextSpec & { readonly required: true },
  concurrency: {
    kind: 'text',
    name: 'concurrency',
    pseudoName: 'N',
    description: 'Handlers running at once. (Default: 3)',
    check: boundedIntegerCheck('concurrency', 1, 1000),
  } as TextSpec<number>,
  queues: text('queues', 'A,B', 'Only claim from these named queues. (Default: all)'),
  lease: duration('lease', 'How long a claim holds its task between heartbeats; at most 24h. (Default: 2m)', MAX_LEASE_MS),
  heartbeat: duration('heartbeat', 'How often running tasks extend their lease. (Default: 30s)'),
  grace: duration('grace', 'How long a stop lets running tasks finish before aborting them. (Default: 30s)'),
  quiet: { kind: 'boolean', name: 'quiet', description: 'Do not print a line per task.' } as BooleanSpec,
}

export const workerSpec: CommandSpec<typeof options, {}> = {
  name: 'worker',
  description: 'Run handlers for a livequeue host over HTTP: the same worker runtime as serve --workers, in another process.',
  options,
  args: {},
}

export type WorkerValues = ValuesOf<typeof options>
