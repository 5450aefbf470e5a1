import * as fs from 'node:fs'
import * as path from 'node:path'

/**
 * Which LiveStore store of a data dir is the queue's current epoch, and which are sealed.
 *
 * LiveStore 0.4.0 never shrinks a store (docs/design.md, fact 7), so the host's queue lives in
 * one store at a time and rotates into a fresh one (seeded with the live working set) when the
 * current one has grown enough. Epoch 0 is the store id the user chose (`livequeue`), so a data
 * dir from before epochs is simply epoch 0; epoch N is `<base>-e<N>`.
 *
 * The registry file `<dataDir>/epochs.json` is the one switch: it is replaced atomically (write
 * a temp file, rename), so a crash leaves either the old epoch current or the new one.
 */
export type EpochInfo = {
  readonly number: number
  readonly storeId: string
  readonly openedAt: number
  /** When it was sealed (rotated away from), or null for the current epoch. */
  readonly sealedAt: number | null
  /** The activity `seq` after the last entry of this epoch (the next epoch starts there). Null while current. */
  readonly activitySeqEnd: number | null
  /** The archive of a sealed epoch was dropped (its files deleted). */
  readonly dropped?: boolean
  /** The global sequence number the epoch's seed ends at: growth toward the next rotation counts from here. */
  readonly seededThrough?: number
}

export type EpochRegistry = { readonly version: 1; readonly base: string; readonly epochs: ReadonlyArray<EpochInfo> }

export const REGISTRY_FILE = 'epochs.json'

export const epochStoreId = (base: string, number: number): string => (number === 0 ? base : `${base}-e${number}`)

/** The registry of a data dir; a dir without one holds epoch 0 only (the store id the user chose). */
export const readRegistry = (dataDir: string, base: string): EpochRegistry => {
  const file = path.join(dataDir, REGISTRY_FILE)
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    return { version: 1, base, epochs: [{ number: 0, storeId: base, openedAt: 0, sealedAt: null, activitySeqEnd: null }] }
  }
  const parsed = JSON.parse(text) as EpochRegistry
  if (parsed.version !== 1 || parsed.base !== base || !Array.isArray(parsed.epochs) || parsed.epochs.length === 0) {
    throw new Error(`${file} is not a livequeue epoch registry for store "${base}"; restore it from a backup`)
  }
  return parsed
}

/** The epoch writes go to: the last one. */
export const currentEpoch = (registry: EpochRegistry): EpochInfo => registry.epochs[registry.epochs.length - 1] as EpochInfo

/** Sealed epochs, newest first: where archived (finished) tasks are looked up. */
export const sealedEpochs = (registry: EpochRegistry): EpochInfo[] => registry.epochs.filter((e) => e.sealedAt !== null && !e.dropped).reverse()

/** Replaces the registry atomically (temp file + rename, 0600). */
export const writeRegistry = (dataDir: string, registry: EpochRegistry): void => {
  const file = path.join(dataDir, REGISTRY_FILE)
  const temp = `${file}.tmp`
  const fd = fs.openSync(temp, 'w', 0o600)
  try {
    fs.writeSync(fd, `${JSON.stringify(registry, null, 2)}\n`)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(temp, file)
}

/** The registry with the current epoch sealed and epoch N+1 opened. */
export const rotated = (registry: EpochRegistry, at: number, activitySeqEnd: number, seededThrough = 0): EpochRegistry => {
  const current = currentEpoch(registry)
  const next: EpochInfo = {
    number: current.number + 1,
    storeId: epochStoreId(registry.base, current.number + 1),
    openedAt: at,
    sealedAt: null,
    activitySeqEnd: null,
    seededThrough,
  }
  return {
    ...registry,
    epochs: [...registry.epochs.slice(0, -1), { ...current, sealedAt: at, activitySeqEnd }, next],
  }
}
