import { execFileSync } from 'node:child_process'

const git = (args: string[]): string | null => {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

/** Which livequeue code ran: the commit, and how many core files differ from it (figures move with them). */
export const codeVersion = (): string => {
  const head = git(['rev-parse', '--short', 'HEAD'])
  if (head === null) return 'unknown (not a git checkout)'
  const changed = git(['status', '--porcelain', '--', 'events', 'schema', 'src/store', 'src/queue'])
  const n = changed ? changed.split('\n').filter((l) => l.length > 0).length : 0
  return n === 0 ? `git ${head}` : `git ${head} + ${n} uncommitted file(s) in events/, schema/, src/store/, src/queue/`
}
