import * as fs from 'node:fs'
import * as os from 'node:os'

export type Machine = { cpu: string; cores: number; node: string; platform: string; tmpFs: string; date: string }

/** Linux `statfs` magic numbers for the file systems a temp dir is likely on. */
const FS_TYPES = new Map<number, string>([
  [0xef53, 'ext4'],
  [0x01021994, 'tmpfs'],
  [0x794c7630, 'overlayfs'],
  [0x9123683e, 'btrfs'],
  [0x58465342, 'xfs'],
  [0x2fc12fc1, 'zfs'],
])

const tmpFsType = (): string => {
  try {
    const type = fs.statfsSync(os.tmpdir()).type
    return FS_TYPES.get(type) ?? `0x${type.toString(16)}`
  } catch {
    return 'unknown'
  }
}

/** The machine the figures come from. */
export const machine = (): Machine => ({
  cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
  cores: os.cpus().length,
  node: process.version,
  platform: `${os.platform()} ${os.arch()}`,
  tmpFs: `${os.tmpdir()} on ${tmpFsType()}`,
  date: new Date().toISOString(),
})

export const machineLine = (m: Machine): string => `machine: ${m.cpu}, ${m.cores} cores, node ${m.node}, ${m.platform}, temp dir ${m.tmpFs}, ${m.date}`
