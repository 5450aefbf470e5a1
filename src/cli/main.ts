import { Command } from '@effect/cli'
import type * as NodeContext from '@effect/platform-node/NodeContext'
import { activityCommand } from './commands/activity.js'
import { archiveCommand } from './commands/archive.js'
import { cancelCommand } from './commands/cancel.js'
import { enqueueCommand } from './commands/enqueue.js'
import { limitCommand } from './commands/limit.js'
import { listCommand } from './commands/list.js'
import { logsCommand } from './commands/logs.js'
import { pauseCommand } from './commands/pause.js'
import { pruneCommand } from './commands/prune.js'
import { queryCommand } from './commands/query.js'
import { requeueStuckCommand } from './commands/requeueStuck.js'
import { resumeCommand } from './commands/resume.js'
import { retryCommand } from './commands/retry.js'
import { runnersCommand } from './commands/runners.js'
import { scheduleCommand } from './commands/schedule.js'
import { serveCommand } from './commands/serve.js'
import { showCommand } from './commands/show.js'
import { statsCommand } from './commands/stats.js'
import { tokenCommand } from './commands/token.js'
import { waitCommand } from './commands/wait.js'
import { watchCommand } from './commands/watch.js'
import { workerCommand } from './commands/worker.js'
import { runCli } from './run.js'
import { packageVersion } from './version.js'

/**
 * A `livequeue` subcommand. Its handler may need only what `NodeContext` provides (FileSystem,
 * Path, Terminal, CommandExecutor) and may fail with anything: `run.ts` maps failures to exit
 * codes (fail with `UsageError` for exit 2, `CommandFailed` for exit 1).
 */
export type Subcommand = Command.Command<any, NodeContext.NodeContext, unknown, any>

/**
 * Every subcommand of `livequeue`, in the order `--help` lists them.
 *
 * To add one (`serve`, `worker`, …): write `src/cli/commands/<name>.ts` exporting a
 * `Command.make('<name>', { ...common, … }, handler)` (see `commands/enqueue.ts`; use
 * `withQueue`/`queueCommand` from `withQueue.ts` when it opens the data dir), import it here
 * and append it to this array. A command that is one request and its printout is better
 * written as a `QueueCommandDef` (`defs/stats.ts`, listed in `defs/index.ts`; its command is
 * `queueCommandOf(def)`): then it also runs on the quick path through a host (quick/main.ts).
 */
export const subcommands: readonly [Subcommand, ...Subcommand[]] = [
  enqueueCommand,
  listCommand,
  showCommand,
  logsCommand,
  statsCommand,
  cancelCommand,
  retryCommand,
  pauseCommand,
  resumeCommand,
  pruneCommand,
  archiveCommand,
  requeueStuckCommand,
  runnersCommand,
  activityCommand,
  waitCommand,
  watchCommand,
  queryCommand,
  scheduleCommand,
  limitCommand,
  serveCommand,
  tokenCommand,
  workerCommand,
]

export const rootCommand = Command.make('livequeue').pipe(
  Command.withDescription('An event-sourced task queue on LiveStore.'),
  Command.withSubcommands(subcommands),
)

export const cli = Command.run(rootCommand, { name: 'livequeue', version: packageVersion() })

/** The `livequeue` executable: `bin/livequeue.js` calls this with `process.argv`. */
export const main = (argv: ReadonlyArray<string> = process.argv): void =>
  runCli(
    cli,
    argv,
    subcommands.flatMap((c) => [...Command.getNames(c)]),
  )
