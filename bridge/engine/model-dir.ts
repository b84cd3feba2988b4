/** Where the shipped model lives: `$EMOLANE_MODEL_DIR`, else `model/` in the emolane package. */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The emolane package root: the nearest folder above this module whose package.json is named emolane. */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from)
  for (;;) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'emolane') return dir
      } catch {
        // an unreadable package.json is not ours; keep walking up
      }
    }
    const up = dirname(dir)
    if (up === dir) throw new Error(`cannot find the emolane package root above ${from}`)
    dir = up
  }
}

/** The default model directory. */
export function defaultModelDir(): string {
  return process.env.EMOLANE_MODEL_DIR ? resolve(process.env.EMOLANE_MODEL_DIR) : join(packageRoot(), 'model')
}
