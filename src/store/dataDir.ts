import * as path from 'node:path'

/**
 * The data dir: the option, else `$LIVEQUEUE_DATA_DIR`, else `./.livequeue`. In a module of its
 * own, free of LiveStore (≈1 s to load), for commands that go through a host.
 */
export const resolveDataDir = (dataDir?: string): string => path.resolve(dataDir ?? process.env.LIVEQUEUE_DATA_DIR ?? '.livequeue')
