import * as fs from 'node:fs'

/** The package version, read from the nearest livequeue package.json (works from src/ and dist/). */
export const packageVersion = (): string => {
  for (let up = '../'; up.length <= 15; up += '../') {
    try {
      const pkg = JSON.parse(fs.readFileSync(new URL(`${up}package.json`, import.meta.url), 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'livequeue' && pkg.version) return pkg.version
    } catch {
      // not here; look one level up
    }
  }
  return '0.0.0'
}
