import { activityDef } from './activity.js'
import { cancelDef } from './cancel.js'
import { limitListDef } from './limitList.js'
import { listDef } from './list.js'
import { logsDef } from './logs.js'
import { pauseDef } from './pause.js'
import { pruneDef } from './prune.js'
import { queryDef } from './query.js'
import { requeueStuckDef } from './requeueStuck.js'
import { resumeDef } from './resume.js'
import { retryDef } from './retry.js'
import { runnersDef } from './runners.js'
import { showDef } from './show.js'
import { statsDef } from './stats.js'
import { waitDef } from './wait.js'
import type { AnyQueueCommandDef } from './types.js'

/**
 * The commands written as a `QueueCommandDef`, by name: the ones the quick path
 * (quick/main.ts) can run through a host without @effect/cli.
 */
export const queueCommandDefs: ReadonlyMap<string, AnyQueueCommandDef> = new Map(
  [listDef, showDef, logsDef, statsDef, cancelDef, retryDef, pauseDef, resumeDef, runnersDef, requeueStuckDef, pruneDef, activityDef, waitDef, queryDef].map(
    (def) => [def.spec.name, def],
  ),
)

/**
 * Defs that are a subcommand of a group (`livequeue limit list`), by group then name: the quick
 * path runs them as it runs `queueCommandDefs`; the group's other subcommands go to @effect/cli.
 */
export const queueSubcommandDefs: ReadonlyMap<string, ReadonlyMap<string, AnyQueueCommandDef>> = new Map([
  ['limit', new Map([[limitListDef.spec.name, limitListDef]])],
])
