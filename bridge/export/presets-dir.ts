/** Finds the repository's presets/ folder from this module (source tree or the dist/ bundle). */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The presets folder: $EMOLANE_PRESETS, else the nearest presets/ above this module that has `sub`. */
export function presetsDir(sub: string): string {
  const fromEnv = process.env.EMOLANE_PRESETS
  if (fromEnv) return resolve(fromEnv, sub)
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'presets', sub)
    if (existsSync(candidate)) return candidate
    dir = dirname(dir)
  }
  throw new Error(`cannot find presets/${sub} above ${fileURLToPath(import.meta.url)}; set EMOLANE_PRESETS to the presets folder`)
}
