import * as fs from 'node:fs'
import { Args, Command, Options } from '@effect/cli'
import { Effect, Option } from 'effect'
import type { ArchiveInfo, DropResult, RetentionResult } from '../../epochs/archiveAdmin.js'
import { CommandFailed } from '../errors.js'
import { iso, table } from '../format.js'
import { common } from '../options.js'
import { boundedInteger } from '../parse.js'
import { output } from '../withQueue.js'

/**
 * `livequeue archive list|export|drop|prune`: the sealed epochs of a data dir (issue 13), read
 * and deleted on disk directly, never through a host: `list` and `export` read sealed files
 * that nothing writes and work while a host runs; `drop` and `prune` rewrite the epoch
 * registry, which a running host also writes (at each rotation), so they refuse while one owns
 * the data dir (`ArchiveBusy`: stop it, or let it apply `serve --archive-keep-days N`).
 */

const epochArg = Args.integer({ name: 'epoch' }).pipe(Args.withDescription('The epoch number (see `livequeue archive list`).'))

type Located = { dataDir: string; base: string }

/** The data dir and its base store id, loaded on first use (`--help` never loads LiveStore). */
const locate = async (dataDir: string | undefined): Promise<Located & { archive: typeof import('../../epochs/archiveAdmin.js') }> => {
  const { resolveDataDir } = await import('../../store/dataDir.js')
  const { registryBase } = await import('../../epochs/archive.js')
  const archive = await import('../../epochs/archiveAdmin.js')
  const dir = resolveDataDir(dataDir)
  return { dataDir: dir, base: registryBase(dir), archive }
}

/** Refuses while a live host owns the data dir: its registry writes and ours would race. */
const refuseWithHost = async (dataDir: string): Promise<void> => {
  const { liveOwner } = await import('../../store/lockFile.js')
  const owner = liveOwner(dataDir)
  if (owner !== null && owner.pid !== process.pid) {
    const { ArchiveBusy } = await import('../../epochs/errors.js')
    throw new ArchiveBusy({ dataDir, pid: owner.pid, url: owner.url })
  }
}

const run = <A>(c: { json: boolean }, use: () => Promise<A>): Effect.Effect<A, CommandFailed> =>
  Effect.tryPromise({ try: use, catch: (error) => new CommandFailed({ error, json: c.json }) })

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

const counts = (info: ArchiveInfo): string => {
  if (info.tasks === null) return info.error ? `unreadable: ${info.error}` : '-'
  const finished = (info.tasks.completed ?? 0) + (info.tasks.failed ?? 0) + (info.tasks.cancelled ?? 0)
  return `${finished} finished (${info.tasks.completed ?? 0} completed, ${info.tasks.failed ?? 0} failed, ${info.tasks.cancelled ?? 0} cancelled)`
}

const listHuman = (all: ArchiveInfo[]): string =>
  table(
    ['EPOCH', 'STORE', 'STATE', 'OPENED', 'SEALED', 'SIZE', 'TASKS'],
    all.map((a) => [
      String(a.epoch),
      a.storeId,
      a.current ? 'current' : a.dropped ? 'dropped' : 'archive',
      a.openedAt > 0 ? iso(a.openedAt) : '-',
      a.sealedAt === null ? '-' : iso(a.sealedAt),
      mib(a.bytes),
      a.current ? '(live queue)' : a.dropped ? '-' : counts(a),
    ]),
  )

const list = Command.make('list', common, (c) =>
  run(c, async () => {
    const { dataDir, base, archive } = await locate(c.dataDir)
    return archive.listArchives(dataDir, base)
  }).pipe(Effect.flatMap((all) => output(c, all, listHuman))),
).pipe(Command.withDescription('List the epochs of the data dir: the current one and the archives (sealed), with sizes and task counts.'))

const out = Options.text('out').pipe(
  Options.withPseudoName('FILE'),
  Options.withDescription('Write the JSON lines to FILE (replaced when complete) instead of stdout.'),
  Options.optional,
)

const exportCommand = Command.make('export', { ...common, epoch: epochArg, out }, (c) =>
  run(c, async () => {
    const { dataDir, base, archive } = await locate(c.dataDir)
    if (Option.isNone(c.out)) {
      const result = await archive.exportArchiveTo(dataDir, base, c.epoch, process.stdout)
      return { ...result, file: null as string | null }
    }
    const file = c.out.value
    const temp = `${file}.tmp-${process.pid}`
    const stream = fs.createWriteStream(temp, { mode: 0o600 })
    try {
      const result = await archive.exportArchiveTo(dataDir, base, c.epoch, stream)
      await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())))
      fs.renameSync(temp, file)
      return { ...result, file }
    } catch (error) {
      stream.destroy()
      fs.rmSync(temp, { force: true })
      throw error
    }
  }).pipe(
    // To stdout, the JSON lines are the output; with --out, say what was written.
    Effect.flatMap((r) => (r.file === null ? Effect.void : output(c, r, (v) => `exported ${v.tasks} tasks of epoch ${v.epoch} to ${v.file}`))),
  ),
).pipe(
  Command.withDescription('Write the finished tasks of a sealed epoch, each with its executions, as JSON lines (one task per line), to stdout or --out FILE.'),
)

const dropHuman = (d: DropResult) =>
  d.alreadyDropped
    ? `epoch ${d.epoch} (${d.storeId}) was already dropped${d.freedBytes > 0 ? `; removed ${mib(d.freedBytes)} left on disk` : ''}`
    : `dropped epoch ${d.epoch} (${d.storeId}): freed ${mib(d.freedBytes)}`

const drop = Command.make('drop', { ...common, epoch: epochArg }, (c) =>
  run(c, async () => {
    const { dataDir, base, archive } = await locate(c.dataDir)
    await refuseWithHost(dataDir)
    return archive.dropArchive(dataDir, base, c.epoch)
  }).pipe(Effect.flatMap((d) => output(c, d, dropHuman))),
).pipe(
  Command.withDescription(
    'Delete a sealed epoch’s files (its archived tasks are gone) and mark it dropped. Refuses the current epoch, and runs only while no host runs.',
  ),
)

const keepDays = boundedInteger('keep-days', 0, 36_500, 'Drop archives sealed more than this many days ago.')

const pruneHuman = (r: RetentionResult) =>
  r.dropped.length === 0 ? `no archive sealed before ${iso(r.cutoff)} (${r.keepDays} days ago)` : r.dropped.map(dropHuman).join('\n')

const prune = Command.make('prune', { ...common, keepDays }, (c) =>
  run(c, async () => {
    const { dataDir, base, archive } = await locate(c.dataDir)
    await refuseWithHost(dataDir)
    return archive.applyRetention(dataDir, base, { keepDays: c.keepDays })
  }).pipe(Effect.flatMap((r) => output(c, r, pruneHuman))),
).pipe(Command.withDescription('Drop every archive sealed more than --keep-days days ago (what `serve --archive-keep-days` does after each rotation).'))

/** `serve --archive-keep-days N`, for the host's command (resolve it with `archiveKeepDays` in src/epochs/retention.ts). */
export const archiveKeepDaysOption = boundedInteger(
  'archive-keep-days',
  0,
  36_500,
  'Drop archives (sealed epochs) this many days after they were sealed, checked after each rotation. (Default: $LIVEQUEUE_ARCHIVE_KEEP_DAYS, else keep forever)',
).pipe(Options.optional)

export const archiveCommand = Command.make('archive').pipe(
  Command.withDescription('Archives: the sealed epochs that hold finished tasks after a rotation. list, export, drop, prune.'),
  Command.withSubcommands([list, exportCommand, drop, prune]),
)
